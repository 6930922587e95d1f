package dev.kerasmnist.model.fast;

/**
 * Whether the backward pass under way started at the loss: then it is a training step, and the first layer's dL/dx
 * is discarded by {@code MultiLayerNetwork}. A backward pass from external errors
 * ({@code MultiLayerNetwork.backpropGradient}) starts below the output layer and wants dL/dx, so it gets it.
 */
final class TrainingState {
    private boolean fromLoss;

    /** Called by the output layer when it backpropagates the loss. */
    void lossBackpropagated() {
        fromLoss = true;
    }

    /** True once per backward pass that started at the loss; called by the first layer. */
    boolean training() {
        boolean was = fromLoss;
        fromLoss = false;
        return was;
    }
}
