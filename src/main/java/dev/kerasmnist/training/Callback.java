package dev.kerasmnist.training;

/**
 * Keras's {@code keras.callbacks.Callback}: hooks that {@link Trainer#fit} calls around training, in the order the
 * callbacks are given. Epochs count from 1 here (Keras's from 0). Override what you need:
 * <pre>{@code
 * Callback log = new Callback() {
 *     public void onEpochEnd(EpochStats epoch, TrainingContext context) {
 *         System.out.printf("epoch %d: loss %.4f%n", epoch.epoch(), epoch.loss());
 *     }
 * };
 * Trainer.fit(net, mnist.train(), FitSpec.tutorial(1), log);
 * }</pre>
 */
public interface Callback {
    /** Before the first epoch of this fit. */
    default void onTrainBegin(TrainingContext context) {}

    /** Before epoch {@code epoch} (counting from 1, continuing after {@code initialEpoch} when resumed). */
    default void onEpochBegin(int epoch, TrainingContext context) {}

    /**
     * After each batch, with Keras's running metrics of the epoch so far.
     *
     * @param step     the batch's number within the epoch, from 1
     * @param loss     the batch's own loss (categorical crossentropy, averaged over its examples)
     * @param meanLoss the mean loss of the epoch so far, weighted by batch size
     * @param accuracy the accuracy of the epoch so far (on each batch before its update, as Keras counts it)
     */
    default void onBatchEnd(int step, double loss, double meanLoss, double accuracy) {}

    /** After each epoch (validation included); {@link TrainingContext#stopTraining()} ends the fit here. */
    default void onEpochEnd(EpochStats epoch, TrainingContext context) {}

    /** When the fit ends, also when it ends with an exception (so that a progress bar is closed). */
    default void onTrainEnd(TrainingContext context) {}
}
