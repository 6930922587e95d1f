package dev.kerasmnist.robustness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.MnistPreprocessor;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RobustnessTest {
    static final MnistSplit DIGITS = Fixtures.synthetic(300, 8);

    @TempDir
    static Path dir;

    static MultiLayerNetwork net;
    static DigitClassifier classifier;

    @BeforeAll
    static void model() throws Exception {
        net = Fixtures.trainTinyModel(DIGITS, dir.resolve("tiny.zip"));
        classifier = DigitClassifier.load(dir.resolve("tiny.zip"));
    }

    @Test
    void theCleanRowIsTheModelsTestAccuracyAndRunsRepeat() {
        MnistSplit test = DIGITS.first(60);
        Map<String, DigitClassifier> models = new LinkedHashMap<>();
        models.put("tiny", classifier);
        Robustness.Result a = Robustness.run(models, test, 60, MnistPreprocessor.DEFAULT_STEPS);
        Robustness.Result b = Robustness.run(models, test, 60, MnistPreprocessor.DEFAULT_STEPS);
        assertEquals(Evaluator.evaluate(net, test).accuracy(), a.accuracy().get(Distortion.CLEAN)[0], 1e-12);
        for (Distortion d : Distortion.values()) {
            assertArrayEquals(a.accuracy().get(d), b.accuracy().get(d), d.label());
            assertTrue(a.table().contains("| " + d.label() + " |"), a.table());
        }
        assertEquals(60, a.images());
    }

    @Test
    void distortionsMakeThePicturesTheyNameDeterministically() {
        for (Distortion d : Distortion.values()) {
            BufferedImage one = d.apply(DIGITS, 3, new SplittableRandom(5));
            BufferedImage two = d.apply(DIGITS, 3, new SplittableRandom(5));
            assertArrayEquals(
                    one.getRaster().getPixels(0, 0, one.getWidth(), one.getHeight(), (int[]) null),
                    two.getRaster().getPixels(0, 0, two.getWidth(), two.getHeight(), (int[]) null),
                    d.label());
        }
        BufferedImage paper = Distortion.PAPER.apply(DIGITS, 3, new SplittableRandom(5));
        assertTrue(MnistPreprocessor.isDarkOnLight(MnistPreprocessor.grayscale(paper)), "dark ink on paper");
        assertEquals(
                280, Distortion.SMALL.apply(DIGITS, 3, new SplittableRandom(5)).getWidth());
    }

    @Test
    void contrastRecoversADigitOnUnevenlyLitNoisyPaper() {
        float[] clean = MnistPreprocessor.toMnist(Distortion.gray(DIGITS, 3), MnistPreprocessor.NO_STEPS);
        BufferedImage paper = Distortion.PAPER.apply(DIGITS, 3, new SplittableRandom(1));
        float[] without = MnistPreprocessor.toMnist(paper, MnistPreprocessor.NO_STEPS);
        float[] with = MnistPreprocessor.toMnist(paper, EnumSet.of(MnistPreprocessor.Step.CONTRAST));
        // The background: pixels that are black in the clean digit stay (nearly) black only with contrast.
        assertTrue(meanWhereBlack(clean, with) < 0.1, "with contrast: " + meanWhereBlack(clean, with));
        assertTrue(meanWhereBlack(clean, without) > 0.2, "without: " + meanWhereBlack(clean, without));
    }

    private static double meanWhereBlack(float[] reference, float[] image) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < reference.length; i++) {
            if (reference[i] == 0) {
                sum += image[i];
                n++;
            }
        }
        return sum / n;
    }

    @Test
    void contrastLeavesACleanBlackBackgroundAlone() {
        BufferedImage framed = new BufferedImage(56, 56, BufferedImage.TYPE_BYTE_GRAY); // black all round
        framed.getGraphics().drawImage(Distortion.gray(DIGITS, 4), 14, 14, null);
        assertArrayEquals(
                MnistPreprocessor.toMnist(framed, MnistPreprocessor.NO_STEPS),
                MnistPreprocessor.toMnist(framed, EnumSet.of(MnistPreprocessor.Step.CONTRAST)));
    }
}
