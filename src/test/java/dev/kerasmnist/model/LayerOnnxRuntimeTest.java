package dev.kerasmnist.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every layer record of {@link LayerCoverageTest}'s examples has an ONNX form that ONNX Runtime computes as DL4J
 * does, or a refusal in one line naming it. Compiled with {@code -Ponnxruntime}, which brings ONNX Runtime.
 */
class LayerOnnxRuntimeTest {
    @Test
    void everyLayerHasAnOnnxFormThatOnnxRuntimeAgreesWithOrARefusal() throws Exception {
        for (Class<?> type : LayerCoverageTest.layerRecords(LayerSpec.class)) {
            LayerSpec example = LayerCoverageTest.EXAMPLES.get(type);
            ModelSpec spec = LayerCoverageTest.around(example);
            org.deeplearning4j.nn.api.Model net = KerasToDl4j.buildAny(spec);
            if (LayerCoverageTest.NO_ONNX_FORM.contains(type)) {
                IllegalArgumentException e = assertThrows(
                        IllegalArgumentException.class,
                        () -> OnnxExport.bytes(net, spec, OnnxExport.DEFAULT_OPSET, Map.of()),
                        type.getSimpleName());
                assertTrue(
                        e.getMessage().startsWith(example.describe() + " has no exact ONNX form")
                                && !e.getMessage().contains("\n"),
                        e.getMessage());
                continue;
            }
            OnnxRuntimeCheck.check(
                    example.describe() + " in "
                            + spec.layers().stream().map(LayerSpec::describe).toList(),
                    OnnxExport.bytes(net, spec, OnnxExport.DEFAULT_OPSET, Map.of()),
                    net);
        }
    }
}
