package dev.kerasmnist.model;

/** Keras's {@code layers.LeakyReLU(negative_slope=0.3)} (Keras 2 calls it {@code alpha}). */
public record LeakyReLUSpec(double negativeSlope) implements LayerSpec {
    public static final double KERAS_DEFAULT_SLOPE = 0.3;

    public LeakyReLUSpec {
        if (!Double.isFinite(negativeSlope) || negativeSlope < 0) {
            throw new IllegalArgumentException("LeakyReLU needs a slope >= 0, got " + negativeSlope);
        }
    }
}
