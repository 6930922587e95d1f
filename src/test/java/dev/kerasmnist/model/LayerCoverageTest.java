package dev.kerasmnist.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every layer record of the sealed {@link LayerSpec} hierarchy has what a layer needs: a DL4J mapping and a config
 * reader in {@link Layers}, and a writer whose config its reader reads back to the same record.
 */
class LayerCoverageTest {
    /** One instance of each layer record, with options off Keras's defaults where it has them. */
    private static final Map<Class<?>, LayerSpec> EXAMPLES = Map.ofEntries(
            Map.entry(DenseSpec.class, new DenseSpec(7, "tanh")),
            Map.entry(Conv2DSpec.class, new Conv2DSpec(4, 3, "relu").withStrides(new Size2D(2, 1))
                    .withPadding(Padding.SAME).withDataFormat(DataFormat.CHANNELS_FIRST).withUseBias(false)),
            Map.entry(Pooling2DSpec.class, Pooling2DSpec.average(3).withStrides(Size2D.square(2))
                    .withPadding(Padding.SAME)),
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
            Map.entry(AddSpec.class, new AddSpec()),
            Map.entry(ConcatenateSpec.class, new ConcatenateSpec(1)),
            Map.entry(ZeroPadding2DSpec.class, new ZeroPadding2DSpec(1, 2, 0, 3, DataFormat.CHANNELS_FIRST)));

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
            assertTrue(entry.kerasClasses().contains(example.kerasClass()),
                    name + ": its Keras class " + example.kerasClass() + " is not read as it");
            ObjectNode config = JsonNodeFactory.instance.objectNode();
            example.writeConfig(config);
            assertEquals(example, Layers.read(new LayerConfig(example.kerasClass(), config, 3)),
                    name + ": its written config " + config + " reads back to another layer");
        }
    }
}
