package dev.kerasmnist.training;

/** The loss became NaN or infinite: training stopped at once (what was saved is for the caller to say). */
public class TrainingDivergedException extends RuntimeException {
    private final int epoch;

    public TrainingDivergedException(int epoch, int step, double loss) {
        super("training diverged: loss is " + loss + " at epoch " + epoch + ", batch " + step);
        this.epoch = epoch;
    }

    /** The epoch in which the loss stopped being finite. */
    public int epoch() {
        return epoch;
    }
}
