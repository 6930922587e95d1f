package dev.kerasmnist.model;

/**
 * Keras's {@code layers.Conv2D(filters, (kernel, kernel), activation)} with its defaults: strides 1,
 * {@code padding="valid"}, channels-last, {@code kernel_initializer="glorot_uniform"}, {@code bias_initializer="zeros"}.
 */
public record Conv2DSpec(int filters, int kernel, KerasActivation activation) implements LayerSpec {
    public Conv2DSpec {
        if (filters < 1 || kernel < 1) {
            throw new IllegalArgumentException("Conv2D needs filters and a kernel size of at least 1, got "
                    + filters + " and " + kernel);
        }
        if (activation == null) {
            throw new IllegalArgumentException("a Conv2D layer needs an activation");
        }
    }

    public Conv2DSpec(int filters, int kernel, String activation) {
        this(filters, kernel, KerasActivation.of(activation));
    }
}
