package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

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

    /**
     * {@code Activation}, {@code Softmax(axis=-1)} and {@code ReLU(max_value=None, negative_slope=0, threshold=0)}
     * (with a slope: a {@link LeakyReLUSpec}).
     */
    static LayerSpec read(LayerConfig c) {
        switch (c.className()) {
            case "Softmax":
                c.require(c.integer("axis", -1) == -1, "Softmax(axis=" + c.path("axis") + ")");
                return new ActivationSpec(KerasActivation.SOFTMAX);
            case "ReLU": {
                double max =
                        c.path("max_value").isNumber() ? c.path("max_value").asDouble() : Double.NaN;
                double slope = c.real("negative_slope", 0);
                c.require(
                        c.real("threshold", 0) == 0
                                && (slope == 0 || Double.isNaN(max))
                                && (Double.isNaN(max) || max == 6),
                        "ReLU(max_value=" + c.path("max_value") + ", negative_slope=" + c.path("negative_slope")
                                + ", threshold=" + c.path("threshold") + ")");
                return slope != 0
                        ? new LeakyReLUSpec(slope)
                        : new ActivationSpec(Double.isNaN(max) ? KerasActivation.RELU : KerasActivation.RELU6);
            }
            default:
                return new ActivationSpec(c.activation("activation", KerasActivation.LINEAR));
        }
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("activation", LayerConfig.activationName(activation));
    }

    @Override
    public String kerasClass() {
        return "Activation";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return input;
    }

    @Override
    public String describe() {
        return "Activation(" + activation.kerasName() + ")";
    }
}
