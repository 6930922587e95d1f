package dev.kerasmnist.training;

/**
 * One epoch as Keras reports it: mean training loss and accuracy over its batches, its wall time, and, with a
 * validation split, {@code val_loss} and {@code val_accuracy} on the held-out examples after the epoch (NaN without).
 */
public record EpochStats(int epoch, double loss, double accuracy, double seconds, double valLoss, double valAccuracy) {

    /** An epoch without validation. */
    public EpochStats(int epoch, double loss, double accuracy, double seconds) {
        this(epoch, loss, accuracy, seconds, Double.NaN, Double.NaN);
    }

    public boolean validated() {
        return !Double.isNaN(valLoss);
    }
}
