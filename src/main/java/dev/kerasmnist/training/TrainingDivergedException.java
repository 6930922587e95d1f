package dev.kerasmnist.training;

import dev.kerasmnist.failures.Failure;

/**
 * The loss became NaN or infinite: training stopped at once (what was saved is for the caller to say). A setting's
 * failure (the learning rate, or unscaled data), not a bug.
 */
public class TrainingDivergedException extends RuntimeException implements Failure {
    private final int epoch;

    public TrainingDivergedException(int epoch, int step, double loss) {
        super("training diverged: loss is " + loss + " at epoch " + epoch + ", batch " + step);
        this.epoch = epoch;
    }

    @Override
    public Kind kind() {
        return Kind.SETTING;
    }

    /** The epoch in which the loss stopped being finite. */
    public int epoch() {
        return epoch;
    }
}
