package dev.kerasmnist.model;

import java.util.Set;

/**
 * Keras's {@code layers.Dense(units, activation, kernel_initializer, bias_initializer)}.
 */
public record DenseSpec(int units, String activation, String kernelInitializer, String biasInitializer) {
    /** Keras's Dense defaults. DL4J's builder defaults differ: Gaussian XAVIER weights and SIGMOID activation. */
    public static final String KERAS_KERNEL_INITIALIZER = "glorot_uniform";
    public static final String KERAS_BIAS_INITIALIZER = "zeros";
    public static final Set<String> ACTIVATIONS = Set.of("relu", "softmax", "sigmoid", "tanh", "linear");

    public DenseSpec {
        if (units < 1) {
            throw new IllegalArgumentException("units must be at least 1, got " + units);
        }
        if (!ACTIVATIONS.contains(activation)) {
            throw new IllegalArgumentException("unsupported activation '" + activation + "'; use one of " + ACTIVATIONS);
        }
        if (!KERAS_KERNEL_INITIALIZER.equals(kernelInitializer) || !KERAS_BIAS_INITIALIZER.equals(biasInitializer)) {
            throw new IllegalArgumentException("only glorot_uniform kernels and zeros biases are mapped");
        }
    }

    /** {@code Dense(units, activation=...)} with Keras's default initialisers. */
    public DenseSpec(int units, String activation) {
        this(units, activation, KERAS_KERNEL_INITIALIZER, KERAS_BIAS_INITIALIZER);
    }
}
