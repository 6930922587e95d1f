package dev.kerasmnist.model;

/** Keras's {@code layers.Rescaling(scale, offset=0.0)}: {@code x * scale + offset}, not trainable. */
public record RescalingSpec(double scale, double offset) implements LayerSpec {
    public RescalingSpec {
        if (!Double.isFinite(scale) || !Double.isFinite(offset)) {
            throw new IllegalArgumentException("Rescaling needs finite scale and offset, got " + scale + ", " + offset);
        }
    }
}
