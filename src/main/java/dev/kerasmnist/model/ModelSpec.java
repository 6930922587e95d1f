package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kerasmnist.data.MnistSplit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Keras {@code Sequential} or Functional model of {@link LayerSpec}s, compiled with RMSprop and a loss, in
 * Keras's vocabulary: the one description of a network. {@link KerasToDl4j} turns it into a DL4J network.
 *
 * @param inputShape the Keras input shape without the batch dimension: {@code (784,)}, {@code (28, 28)},
 *                   {@code (28, 28, 1)} or {@code (1, 28, 28)}; the DL4J network always takes the 784 pixels flat,
 *                   in row-major order, which is each of these shapes' own order
 * @param inputScale what a white pixel is to the model: 1 (the tutorial's pixels / 255) or 255 (raw pixels, as
 *                   models with {@code Rescaling(1/255)} or trained on raw pixels take them). The DL4J network
 *                   always takes pixels / 255 and multiplies them by this first, so every consumer feeds it alike.
 * @param inbound    for a Functional graph, the layers each layer takes, by index (-1: the model's input), in
 *                   Keras's topological order, the last layer the output; empty for a chain (each layer takes the
 *                   one before it), which is every Sequential model
 * @param seed       seeds the weight initialisation
 * @param frozen     the layers, by index, that Keras does not train: {@code layer.trainable = False} (Keras's
 *                   default is True); fine-tuning keeps their weights, and exports write them back as not trainable
 */
public record ModelSpec(
        List<Integer> inputShape,
        List<LayerSpec> layers,
        List<List<Integer>> inbound,
        RmsPropSpec optimizer,
        KerasLoss loss,
        long seed,
        double inputScale,
        List<Integer> frozen) {
    /** Larger models are refused before anything is allocated (a model with absurd sizes is a damaged file). */
    public static final long MAX_PARAMETERS = 100_000_000L;

    public ModelSpec {
        if (inputShape == null
                || inputShape.isEmpty()
                || inputShape.size() > 3
                || inputShape.stream().anyMatch(d -> d == null || d < 1)) {
            throw new IllegalArgumentException("the input shape must be 1 to 3 positive sizes, got " + inputShape);
        }
        inputShape = List.copyOf(inputShape);
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        if (loss == null || optimizer == null) {
            throw new IllegalArgumentException("a model needs an optimizer and a loss");
        }
        if (!(inputScale == 1 || inputScale == 255)) {
            throw new IllegalArgumentException(
                    "the input scale is 1 (pixels / 255) or 255 (raw pixels), not " + inputScale);
        }
        layers = List.copyOf(layers);
        frozen = frozen == null ? List.of() : List.copyOf(new java.util.TreeSet<>(frozen));
        int count = layers.size();
        if (frozen.stream().anyMatch(k -> k < 0 || k >= count)) {
            throw new IllegalArgumentException("frozen layers " + frozen + " outside the " + count + " layers");
        }
        inbound =
                inbound == null ? List.of() : inbound.stream().map(List::copyOf).toList();
        checkGraph(layers, inbound);
        List<int[]> shapes = shapes(inputShape, layers, inbound); // every layer fits the shapes it takes
        if (shapes.get(shapes.size() - 1).length != 1) {
            throw new IllegalArgumentException("the last layer gives " + Arrays.toString(shapes.get(shapes.size() - 1))
                    + "; a classifier ends in a vector (add Flatten or GlobalAveragePooling2D, then Dense)");
        }
        parameterCount(inputShape, layers, inbound, shapes);
    }

    /** Every layer trainable, as Keras's layers are by default. */
    public ModelSpec(
            List<Integer> inputShape,
            List<LayerSpec> layers,
            List<List<Integer>> inbound,
            RmsPropSpec optimizer,
            KerasLoss loss,
            long seed,
            double inputScale) {
        this(inputShape, layers, inbound, optimizer, loss, seed, inputScale, List.of());
    }

    /** A chain of layers (a Sequential model). */
    public ModelSpec(
            List<Integer> inputShape,
            List<LayerSpec> layers,
            RmsPropSpec optimizer,
            KerasLoss loss,
            long seed,
            double inputScale) {
        this(inputShape, layers, List.of(), optimizer, loss, seed, inputScale);
    }

    /** Whether each layer takes the one before it (a Sequential model): DL4J's MultiLayerNetwork. */
    public boolean chain() {
        return inbound.isEmpty();
    }

    /** The layers layer {@code k} takes (-1: the input). */
    public List<Integer> inputsOf(int k) {
        return inbound.isEmpty() ? List.of(k - 1) : inbound.get(k);
    }

    private static void checkGraph(List<LayerSpec> layers, List<List<Integer>> inbound) {
        if (inbound.isEmpty()) {
            for (LayerSpec layer : layers) {
                if (layer instanceof MergeSpec) {
                    throw new IllegalArgumentException(
                            layer.kerasClass() + " takes several layers: give the model's inbound layers");
                }
            }
            return;
        }
        if (inbound.size() != layers.size()) {
            throw new IllegalArgumentException(
                    "inbound layers for " + inbound.size() + " of " + layers.size() + " layers");
        }
        for (int k = 0; k < layers.size(); k++) {
            List<Integer> in = inbound.get(k);
            boolean merge = layers.get(k) instanceof MergeSpec;
            int at = k;
            if (in.isEmpty()
                    || (merge ? in.size() < 2 : in.size() != 1)
                    || in.stream().anyMatch(i -> i < -1 || i >= at)) {
                String name = layers.get(k).kerasClass();
                throw new IllegalArgumentException("layer " + k + " (" + name + ") takes " + in + ": "
                        + (merge
                                ? name + " takes two or more earlier layers"
                                : "a layer takes one earlier layer (or the input, -1)"));
            }
        }
    }

    /**
     * A model taking {@code inputDim} features; one that starts with Conv2D takes MNIST's 784 pixels as its
     * {@code input_shape=(28, 28, 1)} (rows, columns, one channel: channels-last).
     */
    public ModelSpec(int inputDim, List<LayerSpec> layers, RmsPropSpec optimizer, KerasLoss loss, long seed) {
        this(defaultShape(inputDim, layers), layers, optimizer, loss, seed, 1);
    }

    private static List<Integer> defaultShape(int inputDim, List<LayerSpec> layers) {
        if (!layers.isEmpty() && layers.get(0) instanceof Conv2DSpec && inputDim == MnistSplit.PIXELS) {
            return List.of(MnistSplit.ROWS, MnistSplit.COLS, 1);
        }
        return List.of(inputDim);
    }

    /** Reads saved specs, including those written before input shapes ({@code inputDim}) and scales. */
    @JsonCreator
    static ModelSpec json(
            @JsonProperty("inputShape") List<Integer> inputShape,
            @JsonProperty("inputDim") Integer inputDim,
            @JsonProperty("layers") List<LayerSpec> layers,
            @JsonProperty("inbound") List<List<Integer>> inbound,
            @JsonProperty("optimizer") RmsPropSpec optimizer,
            @JsonProperty("loss") KerasLoss loss,
            @JsonProperty("seed") long seed,
            @JsonProperty("inputScale") Double inputScale,
            @JsonProperty("frozen") List<Integer> frozen) {
        List<Integer> shape = inputShape != null
                ? inputShape
                : defaultShape(inputDim == null ? 0 : inputDim, layers == null ? List.of() : layers);
        return new ModelSpec(
                shape, layers, inbound, optimizer, loss, seed, inputScale == null ? 1 : inputScale, frozen);
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
        return new ModelSpec(
                MnistSplit.PIXELS,
                List.of(
                        new DenseSpec(512, KerasActivation.RELU),
                        new DenseSpec(MnistSplit.CLASSES, KerasActivation.SOFTMAX)),
                RmsPropSpec.KERAS_DEFAULTS,
                KerasLoss.CATEGORICAL_CROSSENTROPY,
                seed);
    }

    public ModelSpec withOptimizer(RmsPropSpec rmsProp) {
        return new ModelSpec(inputShape, layers, inbound, rmsProp, loss, seed, inputScale, frozen);
    }

    public ModelSpec withLoss(KerasLoss l) {
        return new ModelSpec(inputShape, layers, inbound, optimizer, l, seed, inputScale, frozen);
    }

    public ModelSpec withInputScale(double scale) {
        return new ModelSpec(inputShape, layers, inbound, optimizer, loss, seed, scale, frozen);
    }

    /** The same model with layers {@code indexes} not trainable ({@code trainable=False}). */
    public ModelSpec withFrozen(List<Integer> indexes) {
        return new ModelSpec(inputShape, layers, inbound, optimizer, loss, seed, inputScale, indexes);
    }

    /**
     * The same layers with {@code Dropout(rate)} after every hidden Dense layer and no other Dropout, as one adds
     * dropout to a Keras model; {@code rate} 0: no Dropout at all. (The tuned MLP is the tutorial with 0.2.)
     */
    public ModelSpec withDropout(double rate) {
        if (!chain() || !frozen.isEmpty()) {
            throw new IllegalArgumentException(
                    "dropout can be added to a chain of trainable layers, not to a graph or frozen layers");
        }
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
        return new ModelSpec(inputShape, changed, optimizer, loss, seed, inputScale);
    }

    /** The number of input features: 784 for MNIST, whatever the input's shape. */
    public int inputDim() {
        return inputShape.stream().reduce(1, (a, b) -> a * b);
    }

    /**
     * Keras's output shape of each layer, without the batch dimension, in Keras's own layout: {@code [h, w, c]}
     * (channels-last) or {@code [c, h, w]} for feature maps, {@code [t, f]} for sequences, {@code [n]} for vectors.
     */
    public List<int[]> outputShapes() {
        return shapes(inputShape, layers, inbound);
    }

    /** The shape layer {@code k} takes (of its first input, for a layer that joins several). */
    public int[] inputShapeOf(int k, List<int[]> outputShapes) {
        int from = inputsOf(k).get(0);
        return from < 0 ? inputShape.stream().mapToInt(Integer::intValue).toArray() : outputShapes.get(from);
    }

    /** Keras's parameter count (trainable and not): 407,050 for the tutorial. */
    public long parameterCount() {
        return parameterCount(inputShape, layers, inbound, outputShapes());
    }

    private static long parameterCount(
            List<Integer> inputShape, List<LayerSpec> layers, List<List<Integer>> inbound, List<int[]> out) {
        long count = 0;
        int[] input = inputShape.stream().mapToInt(Integer::intValue).toArray();
        try {
            for (int i = 0; i < layers.size(); i++) {
                int from = inbound.isEmpty() ? i - 1 : inbound.get(i).get(0);
                for (KerasVariable v : layers.get(i).variables(from < 0 ? input : out.get(from))) {
                    count = Math.addExact(count, v.size());
                }
            }
        } catch (ArithmeticException e) {
            count = Long.MAX_VALUE;
        }
        if (count > MAX_PARAMETERS) {
            throw new IllegalArgumentException(
                    "the model has " + (count == Long.MAX_VALUE ? "more than 2^63" : String.format("%,d", count))
                            + " parameters; at most " + String.format("%,d", MAX_PARAMETERS)
                            + " are accepted");
        }
        return count;
    }

    /** Follows the shapes through the layers, as Keras's {@code compute_output_shape}, refusing what does not fit. */
    private static List<int[]> shapes(List<Integer> inputShape, List<LayerSpec> layers, List<List<Integer>> inbound) {
        List<int[]> shapes = new ArrayList<>();
        int[] input = inputShape.stream().mapToInt(Integer::intValue).toArray();
        DataFormat format = null; // of the feature maps, once an image layer has read them
        for (int k = 0; k < layers.size(); k++) {
            LayerSpec layer = layers.get(k);
            List<int[]> in = new ArrayList<>();
            for (int f : inbound.isEmpty() ? List.of(k - 1) : inbound.get(k)) {
                in.add(f < 0 ? input : shapes.get(f));
            }
            if (layer.readsFeatureMaps() != null) {
                format = imageFormat(layer.kerasClass(), in.get(0), format, layer.readsFeatureMaps());
            }
            shapes.add(
                    layer instanceof MergeSpec merge
                            ? merge.outputShape(in)
                            : layer.outputShape(in.get(0), format == null ? DataFormat.CHANNELS_LAST : format));
        }
        return shapes;
    }

    private static DataFormat imageFormat(String at, int[] shape, DataFormat before, DataFormat wanted) {
        if (shape.length != 3) {
            throw new IllegalArgumentException(at + " needs feature maps (rows, cols, channels), not "
                    + Arrays.toString(shape) + ": give the input as (28, 28, 1) or Reshape((28, 28, 1)) first");
        }
        if (before != null && before != wanted) {
            throw new IllegalArgumentException(at + " reads its input as " + wanted.kerasName() + " after layers that"
                    + " wrote it " + before.kerasName() + "; one data_format per model is supported");
        }
        return wanted;
    }
}
