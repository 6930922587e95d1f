package dev.kerasmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.Engine;
import dev.kerasmnist.inference.Prediction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} on ONNX Runtime: the same API, limits and reload, with each model converted in memory when it is
 * (re)loaded; answers agree with DL4J's within 1e-5, batched or not.
 */
class OnnxRuntimeServeTest {
    private static final MnistSplit DIGITS = Fixtures.synthetic(64, 5);

    @TempDir
    Path dir;

    @Test
    void servesReloadsAndStopsOnOnnxRuntime() throws Exception {
        Path model = dir.resolve("tiny.zip");
        Fixtures.trainTinyModel(DIGITS, model);
        List<float[]> images = new ArrayList<>();
        for (int n = 0; n < 8; n++) {
            images.add(Fixtures.pixels(DIGITS, n));
        }
        List<Prediction> expected;
        try (DigitClassifier dl4j = DigitClassifier.load(model)) {
            expected = dl4j.predict(images);
        }
        for (boolean batching : new boolean[] {true, false}) {
            ServeConfig config =
                    ModelServerTest.CONFIG.engine(Engine.ONNX_RUNTIME).batching(batching);
            ModelServer server = ModelServer.start(model, config);
            try {
                Http http = new Http(server.uri());
                assertTrue(server.engine().startsWith("ONNX Runtime 1.20"), server.engine());
                Http.Answer a = http.postInstances(images);
                assertEquals(200, a.status(), a.body());
                check(a.json().get("predictions"), expected);
                JsonNode listed = http.get("v1/models").json();
                assertTrue(listed.toString().contains("\"engine\":\"ONNX Runtime 1.20"), listed.toString());

                // another model under the same name: the reload converts it, and its answers are the new model's
                Path other = dir.resolve("other.zip");
                Fixtures.trainTinyModel(Fixtures.synthetic(64, 9), other);
                Files.copy(other, model, StandardCopyOption.REPLACE_EXISTING);
                Files.copy(dir.resolve("other.json"), dir.resolve("tiny.json"), StandardCopyOption.REPLACE_EXISTING);
                Http.Answer r = http.send("POST", "v1/models/tiny/reload", null, null);
                assertEquals(200, r.status(), r.body());
                List<Prediction> reloaded;
                try (DigitClassifier dl4j = DigitClassifier.load(model)) {
                    reloaded = dl4j.predict(images);
                }
                a = http.postInstances(images);
                assertEquals(200, a.status(), a.body());
                check(a.json().get("predictions"), reloaded);
                Fixtures.trainTinyModel(DIGITS, model); // back to the first, for the next round
            } finally {
                server.close();
            }
        }
    }

    private static void check(JsonNode predictions, List<Prediction> expected) {
        assertEquals(expected.size(), predictions.size());
        for (int i = 0; i < expected.size(); i++) {
            float[] got = Http.floats(predictions.get(i).get("probabilities"));
            for (int d = 0; d < 10; d++) {
                assertEquals(expected.get(i).probabilities()[d], got[d], 1e-5, "image " + i + ", digit " + d);
            }
        }
    }
}
