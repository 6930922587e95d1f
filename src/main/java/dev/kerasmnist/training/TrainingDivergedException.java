package dev.kerasmnist.training;

/** The loss became NaN or infinite: training stopped and nothing was saved. */
public class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(int epoch, int step, double loss) {
        super("training diverged: loss is " + loss + " at epoch " + epoch + ", batch " + step
                + "; nothing was saved (lower the learning rate, or check the data is scaled to [0,1])");
    }
}
