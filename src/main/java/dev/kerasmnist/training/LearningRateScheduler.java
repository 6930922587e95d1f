package dev.kerasmnist.training;

/**
 * Keras's {@code LearningRateScheduler(schedule)}: before each epoch the learning rate becomes
 * {@code schedule(epoch, lr)}, through DL4J's own {@code setLearningRate}, which keeps the optimiser's state.
 * The rate is read back from the network, so a resumed run continues the same sequence.
 */
public final class LearningRateScheduler implements Callback {
    /** Keras's {@code schedule(epoch, lr)}, with epochs counted from 1. */
    @FunctionalInterface
    public interface Schedule {
        double rate(int epoch, double currentRate);
    }

    private final Schedule schedule;

    public LearningRateScheduler(Schedule schedule) {
        this.schedule = schedule;
    }

    /** {@code lambda epoch, lr: lr if epoch == 0 else lr * factor} ({@code FitSpec.learningRateDecay}). */
    public static LearningRateScheduler decay(double factor) {
        return new LearningRateScheduler((epoch, lr) -> epoch > 1 ? lr * factor : lr);
    }

    @Override
    public void onEpochBegin(int epoch, TrainingContext context) {
        double current = Trainable.learningRate(context.network());
        double next = schedule.rate(epoch, current);
        if (next != current) {
            Trainable.setLearningRate(context.network(), next);
        }
    }
}
