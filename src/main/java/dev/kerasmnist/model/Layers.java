package dev.kerasmnist.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one registry of layers: per layer record, the Keras class names its config is read from (its reader) and its
 * DL4J mapping. A new layer is its record, its mapping and one line here (and its place in {@link LayerSpec}'s
 * sealed list).
 */
public final class Layers {
    /** One layer kind: its record, how its config is read, and how it becomes DL4J. */
    record Entry<L extends LayerSpec>(
            Class<L> type,
            Function<LayerConfig, LayerSpec> reader,
            Dl4jMapping<L> mapping,
            List<String> kerasClasses) {}

    private static final List<Entry<?>> ALL = List.of(
            entry(DenseSpec.class, DenseSpec::read, new DenseMapping(), "Dense"),
            entry(Conv2DSpec.class, Conv2DSpec::read, new Conv2DMapping(), "Conv2D", "Convolution2D"),
            entry(Conv1DSpec.class, Conv1DSpec::read, new Conv1DMapping(), "Conv1D", "Convolution1D"),
            entry(
                    GlobalPooling1DSpec.class,
                    GlobalPooling1DSpec::read,
                    new GlobalPooling1DMapping(),
                    "GlobalAveragePooling1D",
                    "GlobalMaxPooling1D",
                    "GlobalAvgPool1D",
                    "GlobalMaxPool1D"),
            entry(
                    DepthwiseConv2DSpec.class,
                    DepthwiseConv2DSpec::read,
                    new DepthwiseConv2DMapping(),
                    "DepthwiseConv2D"),
            entry(
                    SeparableConv2DSpec.class,
                    SeparableConv2DSpec::read,
                    new SeparableConv2DMapping(),
                    "SeparableConv2D",
                    "SeparableConvolution2D"),
            entry(
                    Pooling2DSpec.class,
                    Pooling2DSpec::read,
                    new Pooling2DMapping(),
                    "MaxPooling2D",
                    "AveragePooling2D",
                    "MaxPool2D",
                    "AvgPool2D"),
            entry(
                    GlobalPooling2DSpec.class,
                    GlobalPooling2DSpec::read,
                    new GlobalPooling2DMapping(),
                    "GlobalAveragePooling2D",
                    "GlobalMaxPooling2D",
                    "GlobalAvgPool2D",
                    "GlobalMaxPool2D"),
            entry(FlattenSpec.class, FlattenSpec::read, new FlattenMapping(), "Flatten"),
            entry(ReshapeSpec.class, ReshapeSpec::read, new ReshapeMapping(), "Reshape"),
            entry(DropoutSpec.class, DropoutSpec::read, new DropoutMapping(), "Dropout"),
            entry(RescalingSpec.class, RescalingSpec::read, new RescalingMapping(), "Rescaling"),
            entry(
                    BatchNormalizationSpec.class,
                    BatchNormalizationSpec::read,
                    new BatchNormalizationMapping(),
                    "BatchNormalization"),
            entry(ActivationSpec.class, ActivationSpec::read, new ActivationMapping(), "Activation", "ReLU", "Softmax"),
            entry(LeakyReLUSpec.class, LeakyReLUSpec::read, new LeakyReLUMapping(), "LeakyReLU"),
            entry(LstmSpec.class, LstmSpec::read, new LstmMapping(), "LSTM", LstmSpec.CUDNN),
            entry(SimpleRnnSpec.class, SimpleRnnSpec::read, new SimpleRnnMapping(), "SimpleRNN"),
            entry(BidirectionalSpec.class, BidirectionalSpec::read, new BidirectionalMapping(), "Bidirectional"),
            entry(AddSpec.class, AddSpec::read, new AddMapping(), "Add"),
            entry(ConcatenateSpec.class, ConcatenateSpec::read, new ConcatenateMapping(), "Concatenate"),
            entry(ZeroPadding2DSpec.class, ZeroPadding2DSpec::read, new ZeroPadding2DMapping(), "ZeroPadding2D"),
            entry(Cropping2DSpec.class, Cropping2DSpec::read, new Cropping2DMapping(), "Cropping2D"),
            entry(UpSampling2DSpec.class, UpSampling2DSpec::read, new UpSampling2DMapping(), "UpSampling2D"),
            entry(
                    ElementWiseSpec.class,
                    ElementWiseSpec::read,
                    new ElementWiseMapping(),
                    "Multiply",
                    "Subtract",
                    "Average",
                    "Maximum"),
            entry(
                    AugmentationSpec.class,
                    AugmentationSpec::read,
                    new AugmentationMapping(),
                    AugmentationSpec.KERAS_CLASSES));

    /** Keras layers that have no exact DL4J form, and why: refused saying so rather than as unknown. */
    private static final Map<String, String> NO_DL4J_FORM = Map.of(
            "GRU",
            "Keras 3's GRU (reset_after=True) applies the reset gate after the recurrent matmul; DL4J 1.0.0-M2.1 has"
                    + " no GRU layer, and its one GRU op (libnd4j's gruCell) applies the gate before it",
            "CuDNNGRU",
            "Keras 2's CuDNNGRU applies the reset gate after the recurrent matmul, as cuDNN does; DL4J 1.0.0-M2.1 has"
                    + " no GRU layer, and its one GRU op (libnd4j's gruCell) applies the gate before it");

    private static final Map<Class<?>, Entry<?>> BY_TYPE = new LinkedHashMap<>();
    private static final Map<String, Entry<?>> BY_KERAS_CLASS = new LinkedHashMap<>();

    static {
        for (Entry<?> e : ALL) {
            BY_TYPE.put(e.type(), e);
            e.kerasClasses().forEach(name -> BY_KERAS_CLASS.put(name, e));
        }
    }

    private Layers() {}

    private static <L extends LayerSpec> Entry<L> entry(
            Class<L> type, Function<LayerConfig, LayerSpec> reader, Dl4jMapping<L> mapping, String... kerasClasses) {
        return new Entry<>(type, reader, mapping, List.of(kerasClasses));
    }

    /** Whether a layer of Keras class {@code kerasClass} can be read. */
    public static boolean reads(String kerasClass) {
        return BY_KERAS_CLASS.containsKey(kerasClass);
    }

    /** Why a Keras class that has no exact DL4J form cannot be read, or null. */
    public static String whyNot(String kerasClass) {
        return NO_DL4J_FORM.get(kerasClass);
    }

    /**
     * The layer a Keras config describes, or null for one that computes nothing (Dropout(0)).
     *
     * @throws IllegalArgumentException naming an option that cannot be expressed
     */
    public static LayerSpec read(LayerConfig config) {
        Entry<?> e = BY_KERAS_CLASS.get(config.className());
        if (e == null) {
            throw new IllegalArgumentException("a " + config.className());
        }
        return e.reader().apply(config);
    }

    /** Every Keras class name that can be read, in the registry's order. */
    public static List<String> kerasClasses() {
        return new ArrayList<>(BY_KERAS_CLASS.keySet());
    }

    /** The DL4J mapping of {@code layer}'s kind. */
    @SuppressWarnings("unchecked")
    static <L extends LayerSpec> Dl4jMapping<L> mapping(L layer) {
        Entry<?> e = BY_TYPE.get(layer.getClass());
        if (e == null) {
            throw new IllegalStateException(
                    "no DL4J mapping for " + layer.getClass().getSimpleName());
        }
        return (Dl4jMapping<L>) e.mapping();
    }

    /** The registry's entry for a layer record class, or null (for the coverage test). */
    static Entry<?> entry(Class<?> type) {
        return BY_TYPE.get(type);
    }
}
