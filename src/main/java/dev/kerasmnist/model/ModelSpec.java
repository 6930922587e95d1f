package dev.kerasmnist.model;

import dev.kerasmnist.data.MnistSplit;
import java.util.List;

/**
 * A Keras {@code Sequential} of {@link DenseSpec} layers, compiled with RMSprop and a loss, in Keras's vocabulary.
 * {@link KerasToDl4j} turns it into a DL4J network.
 *
 * @param inputDim  {@code input_shape=(inputDim,)} of the first layer
 * @param seed      seeds the weight initialisation
 */
public record ModelSpec(int inputDim, List<DenseSpec> layers, RmsPropSpec optimizer, KerasLoss loss, long seed) {

    public ModelSpec {
        if (inputDim < 1) {
            throw new IllegalArgumentException("inputDim must be at least 1, got " + inputDim);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        if (loss == null || optimizer == null) {
            throw new IllegalArgumentException("a model needs an optimizer and a loss");
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
        return new ModelSpec(MnistSplit.PIXELS, List.of(new DenseSpec(512, KerasActivation.RELU),
                new DenseSpec(MnistSplit.CLASSES, KerasActivation.SOFTMAX)), RmsPropSpec.KERAS_DEFAULTS,
                KerasLoss.CATEGORICAL_CROSSENTROPY, seed);
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
