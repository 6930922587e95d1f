package dev.kerasmnist.model;

import java.util.List;
import java.util.Set;

/**
 * A Keras {@code Sequential} of {@link DenseSpec} layers, compiled with RMSprop and a loss, in Keras's vocabulary.
 * {@link KerasToDl4j} turns it into a DL4J network.
 *
 * @param inputDim  {@code input_shape=(inputDim,)} of the first layer
 * @param seed      seeds the weight initialisation
 */
public record ModelSpec(int inputDim, List<DenseSpec> layers, RmsPropSpec optimizer, String loss, long seed) {
    public static final Set<String> LOSSES = Set.of("categorical_crossentropy", "binary_crossentropy", "mse");

    public ModelSpec {
        if (inputDim < 1) {
            throw new IllegalArgumentException("inputDim must be at least 1, got " + inputDim);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        if (!LOSSES.contains(loss)) {
            throw new IllegalArgumentException("unsupported loss '" + loss + "'; use one of " + LOSSES);
        }
        layers = List.copyOf(layers);
    }

    /**
     * The tutorial's model:
     * <pre>
     * network.add(layers.Dense(512, activation='relu', input_shape=(28 * 28,)))
     * network.add(layers.Dense(10, activation='softmax'))
     * network.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
     * </pre>
     */
    public static ModelSpec tutorial(long seed) {
        return new ModelSpec(28 * 28, List.of(new DenseSpec(512, "relu"), new DenseSpec(10, "softmax")),
                RmsPropSpec.KERAS_DEFAULTS, "categorical_crossentropy", seed);
    }

    public ModelSpec withOptimizer(RmsPropSpec rmsProp) {
        return new ModelSpec(inputDim, layers, rmsProp, loss, seed);
    }

    /** Trainable parameters: weights plus biases of every layer (407,050 for the tutorial). */
    public long parameterCount() {
        long count = 0;
        int in = inputDim;
        for (DenseSpec layer : layers) {
            count += (long) in * layer.units() + layer.units();
            in = layer.units();
        }
        return count;
    }
}
