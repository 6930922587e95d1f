package dev.kerasmnist.training;

/**
 * Keras's {@code TerminateOnNaN}: stops as soon as a batch's loss is NaN or infinite. Keras ends the fit after that
 * batch; this throws {@link TrainingDivergedException} at once, so the diverged epoch is never checkpointed and the
 * caller can say what is on disk.
 */
public final class TerminateOnNaN implements Callback {
    private int epoch;

    @Override
    public void onEpochBegin(int epoch, TrainingContext context) {
        this.epoch = epoch;
    }

    @Override
    public void onBatchEnd(int step, double loss, double meanLoss, double accuracy) {
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException(epoch, step, loss);
        }
    }
}
