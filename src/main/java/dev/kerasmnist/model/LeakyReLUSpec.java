package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Keras's {@code layers.LeakyReLU(negative_slope=0.3)} (Keras 2 calls it {@code alpha}). */
public record LeakyReLUSpec(double negativeSlope) implements LayerSpec {
    public static final double KERAS_DEFAULT_SLOPE = 0.3;

    public LeakyReLUSpec {
        if (!Double.isFinite(negativeSlope) || negativeSlope < 0) {
            throw new IllegalArgumentException("LeakyReLU needs a slope >= 0, got " + negativeSlope);
        }
    }

    static LeakyReLUSpec read(LayerConfig c) {
        return new LeakyReLUSpec(
                c.has("negative_slope")
                        ? c.real("negative_slope", KERAS_DEFAULT_SLOPE)
                        : c.real("alpha", KERAS_DEFAULT_SLOPE));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("negative_slope", negativeSlope);
    }

    @Override
    public String kerasClass() {
        return "LeakyReLU";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return input;
    }

    @Override
    public String describe() {
        return "LeakyReLU(" + negativeSlope + ")";
    }
}
