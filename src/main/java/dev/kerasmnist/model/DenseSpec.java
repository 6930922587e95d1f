package dev.kerasmnist.model;

/**
 * Keras's {@code layers.Dense(units, activation)}, with Keras's default initializers
 * ({@link KerasInitializer#DENSE_KERNEL_DEFAULT}, {@link KerasInitializer#DENSE_BIAS_DEFAULT}).
 */
public record DenseSpec(int units, KerasActivation activation) implements LayerSpec {
    public DenseSpec {
        if (units < 1) {
            throw new IllegalArgumentException("units must be at least 1, got " + units);
        }
        if (activation == null) {
            throw new IllegalArgumentException("a Dense layer needs an activation");
        }
    }

    /** {@code Dense(units, activation='relu')}, the activation by its Keras name. */
    public DenseSpec(int units, String activation) {
        this(units, KerasActivation.of(activation));
    }
}
