package dev.kerasmnist.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelLoadException;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.RmsPropSpec;
import dev.kerasmnist.plots.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DigitClassifierTest {
    static final MnistSplit DIGITS = Fixtures.synthetic(400, 1);
    static MultiLayerNetwork net;
    static Path model;

    @TempDir
    static Path dir;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        model = dir.resolve("tiny.zip");
        net = Fixtures.trainTinyModel(DIGITS, model);
    }

    static float[] pixels(int n) {
        return Fixtures.pixels(DIGITS, n);
    }

    private static float[] dl4jOutput(float[] px) {
        INDArray out = net.output(Nd4j.create(px, 1, 784), false);
        return out.toFloatVector();
    }

    @Test
    void everyEntryPointAgreesExactlyWithDl4j() throws IOException {
        DigitClassifier classifier = DigitClassifier.load(model);
        List<float[]> batch = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            float[] px = pixels(n);
            batch.add(px);
            float[] expected = dl4jOutput(px);

            Prediction fromPixels = classifier.predict(px);
            assertArrayEquals(expected, fromPixels.probabilities());

            Prediction fromImage = classifier.predict(Charts.digitImage(px));
            assertArrayEquals(expected, fromImage.probabilities());

            Path png = dir.resolve("digit" + n + ".png");
            ImageIO.write(Charts.digitImage(px), "png", png.toFile());
            assertArrayEquals(expected, classifier.predict(png).probabilities());

            assertEquals(DIGITS.label(n), fromPixels.digit(), "the tiny model knows its training digits");
            assertEquals(expected[fromPixels.digit()], fromPixels.probability(), 0f);
            assertEquals(fromPixels.digit(), (int) fromPixels.top(3).get(0));
        }
        List<Prediction> batched = classifier.predict(batch);
        INDArray expected = net.output(Nd4j.create(batch.toArray(new float[0][])), false);
        for (int n = 0; n < 5; n++) {
            assertArrayEquals(expected.getRow(n).toFloatVector(), batched.get(n).probabilities());
        }
    }

    @Test
    void manyThreadsGetTheSameAnswersAsOne() throws Exception {
        DigitClassifier classifier = DigitClassifier.load(model);
        int n = 200;
        List<Prediction> single = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            single.add(classifier.predict(pixels(i)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Prediction>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    List<Prediction> mine = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        mine.add(classifier.predict(pixels(i)));
                    }
                    return mine;
                }));
            }
            for (Future<List<Prediction>> f : futures) {
                assertEquals(single, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputIsRefusedClearly() throws IOException {
        DigitClassifier classifier = DigitClassifier.load(model);
        IllegalArgumentException size =
                assertThrows(IllegalArgumentException.class, () -> classifier.predict(new float[100]));
        assertTrue(size.getMessage().contains("has 100 pixels; expected 784"), size.getMessage());
        float[] bright = new float[784];
        bright[3] = 255f;
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> classifier.predict(bright));
        assertTrue(range.getMessage().contains("expected [0, 1]"), range.getMessage());
        for (float bad : new float[] {Float.NaN, -1e-9f, 1.0000001f, Float.NEGATIVE_INFINITY}) {
            float[] one = new float[784];
            one[783] = bad;
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> classifier.predict(List.of(new float[784], one)));
            assertTrue(e.getMessage().startsWith("image 1 has pixel value " + bad), e.getMessage());
        }
        float[] edges = new float[784];
        edges[0] = -0f; // equal to 0
        edges[1] = 1f;
        assertEquals(10, classifier.predict(edges).probabilities().length);
        assertThrows(ImageLoadException.class, () -> classifier.predict(dir.resolve("missing.png")));
    }

    @Test
    void modelsOfAnotherShapeAreRefused() throws IOException {
        ModelSpec wrong = new ModelSpec(
                784,
                List.of(new DenseSpec(8, "relu"), new DenseSpec(5, "softmax")),
                RmsPropSpec.KERAS_DEFAULTS,
                KerasLoss.CATEGORICAL_CROSSENTROPY,
                1);
        Path path = dir.resolve("five-classes.zip");
        ModelStore.save(KerasToDl4j.build(wrong), Fixtures.provenance(wrong, 0.5), "", new ModelFiles(path));
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> DigitClassifier.load(path));
        assertTrue(e.getMessage().contains("takes 784 inputs and gives 5 outputs"), e.getMessage());

        Path empty = Files.write(dir.resolve("empty.zip"), new byte[0]);
        assertThrows(ModelLoadException.class, () -> DigitClassifier.load(empty));
        byte[] good = Files.readAllBytes(model);
        Path truncated = Files.write(dir.resolve("truncated.zip"), java.util.Arrays.copyOf(good, good.length / 2));
        assertThrows(ModelLoadException.class, () -> DigitClassifier.load(truncated));
    }
}
