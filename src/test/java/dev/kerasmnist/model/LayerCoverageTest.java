package dev.kerasmnist.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every layer record of the sealed {@link LayerSpec} hierarchy has what a layer needs: a DL4J mapping and a config
 * reader in {@link Layers}, and a writer whose config its reader reads back to the same record. Its ONNX form:
 * {@link LayerOnnxRuntimeTest}.
 */
class LayerCoverageTest {
    /** The examples that have no exact ONNX form: each is refused in one line naming it. */
    static final List<Class<?>> NO_ONNX_FORM = List.of(ActivationSpec.class); // its example is GELU

    /** One instance of each layer record, with options off Keras's defaults where it has them. */
    static final Map<Class<?>, LayerSpec> EXAMPLES = Map.ofEntries(
            Map.entry(DenseSpec.class, new DenseSpec(7, KerasActivation.TANH, false)),
            Map.entry(Conv1DSpec.class, new Conv1DSpec(4, 3, 1, Conv1DSpec.Pad.CAUSAL, KerasActivation.TANH, false, 2)),
            Map.entry(GlobalPooling1DSpec.class, new GlobalPooling1DSpec(PoolType.MAX)),
            Map.entry(
                    Conv2DSpec.class,
                    new Conv2DSpec(4, 3, "relu")
                            .withStrides(new Size2D(2, 1))
                            .withPadding(Padding.SAME)
                            .withDataFormat(DataFormat.CHANNELS_FIRST)
                            .withUseBias(false)),
            Map.entry(
                    Pooling2DSpec.class,
                    Pooling2DSpec.average(3).withStrides(Size2D.square(2)).withPadding(Padding.SAME)),
            Map.entry(GlobalPooling2DSpec.class, new GlobalPooling2DSpec(PoolType.MAX, DataFormat.CHANNELS_FIRST)),
            Map.entry(FlattenSpec.class, new FlattenSpec(DataFormat.CHANNELS_FIRST)),
            Map.entry(ReshapeSpec.class, new ReshapeSpec(List.of(28, -1))),
            Map.entry(DropoutSpec.class, new DropoutSpec(0.25)),
            Map.entry(RescalingSpec.class, new RescalingSpec(1 / 127.5, -1)),
            Map.entry(BatchNormalizationSpec.class, new BatchNormalizationSpec(1, 0.9, 1e-5, false, true)),
            Map.entry(ActivationSpec.class, new ActivationSpec(KerasActivation.GELU)),
            Map.entry(LeakyReLUSpec.class, new LeakyReLUSpec(0.1)),
            Map.entry(LstmSpec.class, new LstmSpec(5, KerasActivation.RELU, KerasActivation.TANH, true)),
            Map.entry(SimpleRnnSpec.class, new SimpleRnnSpec(6, KerasActivation.RELU, true)),
            Map.entry(
                    BidirectionalSpec.class,
                    new BidirectionalSpec(
                            new LstmSpec(4, KerasActivation.TANH, KerasActivation.SIGMOID, true),
                            BidirectionalSpec.Merge.AVE)),
            Map.entry(AddSpec.class, new AddSpec()),
            Map.entry(ConcatenateSpec.class, new ConcatenateSpec(1)),
            Map.entry(ZeroPadding2DSpec.class, new ZeroPadding2DSpec(1, 2, 0, 3, DataFormat.CHANNELS_FIRST)),
            Map.entry(Cropping2DSpec.class, new Cropping2DSpec(1, 2, 0, 3, DataFormat.CHANNELS_LAST)),
            Map.entry(UpSampling2DSpec.class, new UpSampling2DSpec(new Size2D(2, 3), DataFormat.CHANNELS_FIRST)),
            Map.entry(
                    DepthwiseConv2DSpec.class,
                    new DepthwiseConv2DSpec(
                            new Size2D(3, 2),
                            Size2D.square(2),
                            Padding.SAME,
                            3,
                            DataFormat.CHANNELS_FIRST,
                            KerasActivation.RELU,
                            false)),
            Map.entry(
                    SeparableConv2DSpec.class,
                    new SeparableConv2DSpec(
                            5,
                            Size2D.square(3),
                            new Size2D(1, 2),
                            Padding.VALID,
                            2,
                            DataFormat.CHANNELS_LAST,
                            KerasActivation.TANH,
                            true)),
            Map.entry(ElementWiseSpec.class, new ElementWiseSpec(ElementWiseSpec.Op.MAXIMUM)),
            Map.entry(
                    AugmentationSpec.class,
                    AugmentationSpec.of(
                            "RandomRotation",
                            Map.of(
                                    "factor",
                                    JsonNodeFactory.instance
                                            .arrayNode()
                                            .add(-0.2)
                                            .add(0.1),
                                    "fill_mode",
                                    JsonNodeFactory.instance.textNode("constant")))));

    static List<Class<?>> layerRecords(Class<?> type) {
        List<Class<?>> records = new ArrayList<>();
        if (type.isRecord()) {
            records.add(type);
        }
        if (type.isSealed()) {
            for (Class<?> sub : type.getPermittedSubclasses()) {
                records.addAll(layerRecords(sub));
            }
        }
        return records;
    }

    @Test
    void everyLayerHasAMappingAReaderAndAWriterThatAgree() {
        List<Class<?>> records = layerRecords(LayerSpec.class);
        assertTrue(records.size() >= 14, "the sealed hierarchy's records: " + records);
        for (Class<?> type : records) {
            String name = type.getSimpleName();
            Layers.Entry<?> entry = Layers.entry(type);
            assertNotNull(entry, name + " has no entry in Layers (its DL4J mapping and config reader)");
            assertNotNull(entry.mapping(), name + " has no DL4J mapping");
            assertNotNull(entry.reader(), name + " has no config reader");
            assertFalse(entry.kerasClasses().isEmpty(), name + " is read from no Keras class");
            LayerSpec example = EXAMPLES.get(type);
            assertNotNull(example, name + " has no example in this test");
            assertTrue(
                    entry.kerasClasses().contains(example.kerasClass()),
                    name + ": its Keras class " + example.kerasClass() + " is not read as it");
            ObjectNode config = JsonNodeFactory.instance.objectNode();
            example.writeConfig(config);
            assertEquals(
                    example,
                    Layers.read(new LayerConfig(example.kerasClass(), config, 3)),
                    name + ": its written config " + config + " reads back to another layer");
        }
    }

    /** A small MNIST classifier around {@code layer}: the input it takes, and Flatten and Dense(10) after it. */
    static ModelSpec around(LayerSpec layer) {
        List<Integer> input = List.of(784);
        List<LayerSpec> layers = new ArrayList<>();
        List<List<Integer>> inbound = new ArrayList<>();
        if (layer instanceof MergeSpec) {
            layers.addAll(
                    List.of(new DenseSpec(8, KerasActivation.TANH), new DenseSpec(8, KerasActivation.RELU), layer));
            inbound.addAll(List.of(List.of(-1), List.of(-1), List.of(0, 1)));
        } else {
            if (layer.readsFeatureMaps() != null) {
                input = layer.readsFeatureMaps() == DataFormat.CHANNELS_FIRST ? List.of(1, 28, 28) : List.of(28, 28, 1);
            } else if (layer instanceof LstmSpec
                    || layer instanceof SimpleRnnSpec
                    || layer instanceof BidirectionalSpec
                    || layer instanceof Conv1DSpec
                    || layer instanceof GlobalPooling1DSpec) {
                input = List.of(28, 28);
            }
            if (layer instanceof GlobalPooling1DSpec) {
                layers.add(new Conv1DSpec(3, 3, KerasActivation.RELU)); // on a Conv1D's NCW sequence
            }
            if (layer instanceof Pooling2DSpec
                    || layer instanceof GlobalPooling2DSpec
                    || layer instanceof ZeroPadding2DSpec
                    || layer instanceof Cropping2DSpec
                    || layer instanceof UpSampling2DSpec
                    || layer instanceof DepthwiseConv2DSpec
                    || layer instanceof SeparableConv2DSpec
                    || layer instanceof BatchNormalizationSpec) {
                // on maps of several channels, so that layouts matter
                DataFormat f = layer.readsFeatureMaps() == null ? DataFormat.CHANNELS_LAST : layer.readsFeatureMaps();
                layers.add(new Conv2DSpec(3, 3, KerasActivation.RELU).withDataFormat(f));
                if (layer instanceof BatchNormalizationSpec bn && bn.axis() == 1) {
                    layers.set(0, new Conv2DSpec(3, 3, KerasActivation.RELU).withDataFormat(DataFormat.CHANNELS_FIRST));
                    input = List.of(1, 28, 28);
                } else if (layer instanceof BatchNormalizationSpec) {
                    input = List.of(28, 28, 1);
                }
            }
            layers.add(layer);
        }
        int[] out = input.stream().mapToInt(Integer::intValue).toArray();
        if (layer instanceof MergeSpec) {
            out = new int[] {8};
        } else {
            for (LayerSpec l : layers) {
                DataFormat f = l.readsFeatureMaps() != null
                        ? l.readsFeatureMaps()
                        : input.get(0) == 1 ? DataFormat.CHANNELS_FIRST : DataFormat.CHANNELS_LAST;
                out = l.outputShape(out, f);
            }
        }
        if (out.length == 2) {
            layers.add(new SimpleRnnSpec(4, KerasActivation.TANH, false)); // DL4J flattens no sequence
        } else if (out.length > 1) {
            layers.add(new FlattenSpec(
                    layer.readsFeatureMaps() == null ? DataFormat.CHANNELS_LAST : layer.readsFeatureMaps()));
        }
        if (out.length > 1 && !inbound.isEmpty()) {
            inbound.add(List.of(layers.size() - 2));
        }
        layers.add(new DenseSpec(10, KerasActivation.SOFTMAX));
        if (!inbound.isEmpty()) {
            inbound.add(List.of(layers.size() - 2));
        }
        ModelSpec spec = new ModelSpec(
                input, layers, inbound, RmsPropSpec.KERAS_DEFAULTS, KerasLoss.CATEGORICAL_CROSSENTROPY, 3, 1);
        assertEquals(1, spec.outputShapes().get(layers.size() - 1).length, Arrays.toString(out));
        return spec;
    }
}
