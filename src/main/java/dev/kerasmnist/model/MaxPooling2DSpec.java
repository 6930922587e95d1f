package dev.kerasmnist.model;

/** Keras's {@code layers.MaxPooling2D((pool, pool))}: strides default to the pool size, {@code padding="valid"}. */
public record MaxPooling2DSpec(int pool) implements LayerSpec {
    public MaxPooling2DSpec {
        if (pool < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, got " + pool);
        }
    }
}
