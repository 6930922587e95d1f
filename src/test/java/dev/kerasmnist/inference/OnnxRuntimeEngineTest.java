package dev.kerasmnist.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.data.SyntheticDigits;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelLoadException;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.OnnxRuntimeCheck;
import dev.kerasmnist.training.Recipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link DigitClassifier} on {@link Engine#ONNX_RUNTIME}: the saved model, converted in memory, gives DL4J's
 * probabilities within {@value OnnxRuntimeCheck#TOLERANCE} and the same digits on real test images, in one batch and
 * one image at a time (its input buffer is reused across sizes).
 */
class OnnxRuntimeEngineTest {
    @TempDir
    Path tmp;

    private Path trained(Recipe recipe) throws Exception {
        ModelSpec spec = recipe.model(5);
        MultiLayerNetwork net = KerasToDl4j.build(spec);
        net.fit(MnistIterators.training(SyntheticDigits.split(512, 11), 64, 11));
        Path zip = tmp.resolve(recipe.cliName() + ".zip");
        ModelStore.save(net, Fixtures.provenance(spec, 0.9), "", new ModelFiles(zip));
        return zip;
    }

    @ParameterizedTest
    @EnumSource(Recipe.class)
    void onnxRuntimeGivesDl4jsProbabilities(Recipe recipe) throws Exception {
        Path zip = trained(recipe);
        INDArray x = OnnxRuntimeCheck.images();
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < x.rows(); i++) {
            images.add(x.getRow(i).toFloatVector());
        }
        try (DigitClassifier dl4j = DigitClassifier.load(zip, Engine.DL4J);
                DigitClassifier ort = DigitClassifier.load(zip, Engine.ONNX_RUNTIME)) {
            assertEquals("DL4J", dl4j.engine());
            assertTrue(ort.engine().matches("ONNX Runtime 1\\.20\\.\\d+"), ort.engine());
            List<Prediction> expected = dl4j.predict(images);
            List<Prediction> batch = ort.predict(images);
            double worst = 0;
            for (int i = 0; i < images.size(); i++) {
                worst = Math.max(worst, maxDifference(expected.get(i), batch.get(i)));
                assertEquals(expected.get(i).digit(), batch.get(i).digit(), "image " + i);
            }
            assertTrue(worst <= OnnxRuntimeCheck.TOLERANCE, recipe + ": largest difference " + worst);
            for (int i = 0;
                    i < Math.min(50, images.size());
                    i++) { // single images after the batch: a smaller view of the buffer
                Prediction one = ort.predict(images.get(i));
                assertTrue(maxDifference(batch.get(i), one) <= OnnxRuntimeCheck.TOLERANCE, "image " + i);
                assertEquals(expected.get(i).digit(), one.digit());
            }
            assertThrows(IllegalArgumentException.class, () -> ort.predict(new float[783])); // checked as DL4J's
        }
    }

    @Test
    void aModelWithoutItsLayersDescriptionIsRefusedInOneLine() throws Exception {
        Fixtures.trainTinyModel(Fixtures.synthetic(64, 1), tmp.resolve("tiny.zip"));
        Files.delete(new ModelFiles(tmp.resolve("tiny.zip")).provenance());
        ModelLoadException e = assertThrows(
                ModelLoadException.class, () -> DigitClassifier.load(tmp.resolve("tiny.zip"), Engine.ONNX_RUNTIME));
        assertTrue(e.getMessage().contains("has no Keras description of its layers"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    private static double maxDifference(Prediction a, Prediction b) {
        double worst = 0;
        for (int d = 0; d < MnistSplit.CLASSES; d++) {
            worst = Math.max(worst, Math.abs(a.probabilities()[d] - b.probabilities()[d]));
        }
        return worst;
    }
}
