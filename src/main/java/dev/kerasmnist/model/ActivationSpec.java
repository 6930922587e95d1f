package dev.kerasmnist.model;

/**
 * Keras's {@code layers.Activation(activation)}, and the layers that are one activation: {@code ReLU()},
 * {@code ReLU(max_value=6)} (relu6), {@code Softmax()}.
 */
public record ActivationSpec(KerasActivation activation) implements LayerSpec {
    public ActivationSpec {
        if (activation == null) {
            throw new IllegalArgumentException("an Activation layer needs an activation");
        }
    }
}
