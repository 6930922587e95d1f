package dev.kerasmnist.model;

import dev.kerasmnist.data.MnistSplit;
import java.util.ArrayList;
import java.util.List;

/**
 * A Keras {@code Sequential} of layers ({@link DenseSpec}, {@link Conv2DSpec}, {@link MaxPooling2DSpec},
 * {@link FlattenSpec}, {@link DropoutSpec}), compiled with RMSprop and a loss, in Keras's vocabulary.
 * {@link KerasToDl4j} turns it into a DL4J network.
 *
 * @param inputDim  {@code input_shape=(inputDim,)} of the first layer; for a model that starts with Conv2D, the
 *                  784 pixels are its {@code input_shape=(28, 28, 1)} (rows, columns, one channel: channels-last)
 * @param seed      seeds the weight initialisation
 */
public record ModelSpec(int inputDim, List<LayerSpec> layers, RmsPropSpec optimizer, KerasLoss loss, long seed) {

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
        if (!(layers.get(layers.size() - 1) instanceof DenseSpec)) {
            throw new IllegalArgumentException("the last layer must be Dense (it carries the loss)");
        }
        shapes(inputDim, layers); // every layer fits the shape before it
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

    /**
     * The same layers with {@code Dropout(rate)} after every hidden Dense layer and no other Dropout, as one adds
     * dropout to a Keras model; {@code rate} 0: no Dropout at all. (The tuned MLP is the tutorial with 0.2.)
     */
    public ModelSpec withDropout(double rate) {
        List<LayerSpec> changed = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            if (!(layer instanceof DropoutSpec)) {
                changed.add(layer);
            }
            if (layer instanceof DenseSpec && i < layers.size() - 1 && rate > 0) {
                changed.add(new DropoutSpec(rate));
            }
        }
        return new ModelSpec(inputDim, changed, optimizer, loss, seed);
    }

    /** Whether the model takes the image as an image (it starts with Conv2D), not as a flat vector. */
    public boolean convolutional() {
        return layers.get(0) instanceof Conv2DSpec;
    }

    /**
     * Keras's output shape of each layer, without the batch dimension: {@code [h, w, c]} for feature maps,
     * {@code [n]} for vectors.
     */
    public List<int[]> outputShapes() {
        return shapes(inputDim, layers);
    }

    /** Trainable parameters: weights plus biases of every layer (407,050 for the tutorial). */
    public long parameterCount() {
        long count = 0;
        int[] in = convolutional() ? imageShape(inputDim) : new int[] {inputDim};
        List<int[]> out = outputShapes();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof DenseSpec d) {
                count += (long) in[0] * d.units() + d.units();
            } else if (layers.get(i) instanceof Conv2DSpec c) {
                count += (long) c.kernel() * c.kernel() * in[2] * c.filters() + c.filters();
            }
            in = out.get(i);
        }
        return count;
    }

    private static int[] imageShape(int inputDim) {
        if (inputDim != MnistSplit.PIXELS) {
            throw new IllegalArgumentException("a model starting with Conv2D takes MNIST's " + MnistSplit.ROWS + "x"
                    + MnistSplit.COLS + "x1 images, not " + inputDim + " inputs");
        }
        return new int[] {MnistSplit.ROWS, MnistSplit.COLS, 1};
    }

    /** Follows the shapes through the layers, as Keras's {@code compute_output_shape}, refusing what does not fit. */
    private static List<int[]> shapes(int inputDim, List<LayerSpec> layers) {
        List<int[]> shapes = new ArrayList<>();
        int[] shape = layers.get(0) instanceof Conv2DSpec ? imageShape(inputDim) : new int[] {inputDim};
        for (LayerSpec layer : layers) {
            boolean image = shape.length == 3;
            if (layer instanceof Conv2DSpec c) {
                if (!image || shape[0] < c.kernel() || shape[1] < c.kernel()) {
                    throw new IllegalArgumentException("Conv2D" + " needs feature maps of at least " + c.kernel()
                            + "x" + c.kernel() + ", not " + java.util.Arrays.toString(shape));
                }
                shape = new int[] {shape[0] - c.kernel() + 1, shape[1] - c.kernel() + 1, c.filters()}; // 'valid'
            } else if (layer instanceof MaxPooling2DSpec p) {
                if (!image || shape[0] < p.pool() || shape[1] < p.pool()) {
                    throw new IllegalArgumentException("MaxPooling2D needs feature maps of at least " + p.pool()
                            + "x" + p.pool() + ", not " + java.util.Arrays.toString(shape));
                }
                shape = new int[] {shape[0] / p.pool(), shape[1] / p.pool(), shape[2]}; // 'valid': floor
            } else if (layer instanceof FlattenSpec) {
                shape = new int[] {image ? shape[0] * shape[1] * shape[2] : shape[0]};
            } else if (layer instanceof DenseSpec d) {
                if (image) {
                    throw new IllegalArgumentException("Dense needs a flat vector: put Flatten() before it");
                }
                shape = new int[] {d.units()};
            } // Dropout keeps the shape
            shapes.add(shape);
        }
        return shapes;
    }
}
