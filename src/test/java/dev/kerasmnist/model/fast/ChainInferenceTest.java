package dev.kerasmnist.model.fast;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistLocator;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.data.SyntheticDigits;
import dev.kerasmnist.model.Argmax;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.Networks;
import dev.kerasmnist.training.Recipe;
import java.io.IOException;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link ChainInference} against DL4J's own {@code output} for every recipe, image by image: on MNIST's 10,000 test
 * images where MNIST is found (else 2,000 synthetic digits), the same digit every time, and probabilities within
 * 1e-5. Dense layers make the same BLAS calls as DL4J's fast path; convolutions sum in another order than oneDNN
 * (im2col and sgemm), softmax uses Java's exp, so float rounding apart: measured 1.5e-7 (the tutorial), 2.1e-7 (the tuned MLP) and 7.5e-8
 * (the convnet) on the 10,000 test images. 1e-5 is 20x that and far below what a wrong index would give.
 */
class ChainInferenceTest {
    @Tag(KERNELS) // rerun under each forced OpenBLAS kernel (KernelMatrixTest)
    @ParameterizedTest
    @EnumSource(Recipe.class)
    void everyRecipeGivesDl4jsOutputsImageByImage(Recipe recipe) throws IOException {
        MultiLayerNetwork net = KerasToDl4j.build(recipe.model(3));
        net.fit(MnistIterators.training(SyntheticDigits.split(512, 5), 64, 5)); // weights off their initialisation
        INDArray x = images();
        assertNotNull(ChainInference.output(net, x.getRow(0, true)), recipe + " has a plan");
        INDArray stock = net.output(x, false); // DL4J's own, one batch (its oneDNN convolutions)
        double worst = 0;
        for (int i = 0; i < x.rows(); i++) {
            INDArray ours = Networks.output(net, x.getRow(i, true));
            worst = Math.max(worst, ours.sub(stock.getRow(i, true)).amaxNumber().doubleValue());
            assertEquals(stock.getRow(i).argMax().getInt(0), ours.argMax(1).getInt(0), recipe + ", image " + i);
        }
        System.err.printf("ChainInference %s: max |ours - DL4J| = %.2e over %d images%n", recipe, worst, x.rows());
        assertTrue(worst <= 1e-5, recipe + ": " + worst);
        INDArray four = x.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()); // a few images: one plan, row by row
        double batch = Networks.output(net, four)
                .sub(stock.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()))
                .amaxNumber()
                .doubleValue();
        assertTrue(batch <= 1e-5, recipe + ", 4 images: " + batch);
        // a few images through dense layers alone stay DL4J's one sgemm, bit for bit (DigitClassifierTest)
        assertEquals(recipe == Recipe.CONVNET, ChainInference.output(net, four) != null, recipe + ", 4 images");
        // a batch past MAX_BATCH is DL4J's own
        assertNull(ChainInference.output(net, x.get(NDArrayIndex.interval(0, ChainInference.MAX_BATCH + 1))));
    }

    /**
     * Batches over {@link ChainInference#MAX_BATCH} images, as {@code predict} and {@code serve} run them
     * ({@link ChainInference#predict}, through {@link OneDnnChain}): DL4J's digit for every image, probabilities
     * within 1e-5. oneDNN's inner products and convolutions sum in other orders than OpenBLAS's and than DL4J's
     * NCHW convolutions: measured 1.8e-7 (the tutorial and the tuned MLP) and 7.5e-8 (the convnet) here, 6.6e-7 and
     * 9.2e-7 for the trained tutorial and convnet of bench/run, on the 10,000 test images; 1e-5 is 10x the largest. Batches of 1,000 (the benchmark's) and of 777, whose last piece is shorter than the
     * others (the convnet runs in pieces of 96 images).
     */
    @Tag(KERNELS) // rerun under each forced OpenBLAS kernel (KernelMatrixTest)
    @ParameterizedTest
    @EnumSource(Recipe.class)
    void everyRecipeGivesDl4jsDigitsInBatches(Recipe recipe) throws IOException {
        Assumptions.assumeTrue(Helpers.onednn(), "batches go to DL4J where the natives have no oneDNN");
        MultiLayerNetwork net = KerasToDl4j.build(recipe.model(3));
        net.fit(MnistIterators.training(SyntheticDigits.split(512, 5), 64, 5)); // weights off their initialisation
        INDArray x = images();
        INDArray stock = net.output(x, false);
        float[] expected = stock.dup('c').data().asFloat();
        for (int batch : new int[] {1000, 777}) {
            float[] ours = new float[expected.length];
            for (int from = 0; from < x.rows(); from += batch) {
                int to = Math.min(x.rows(), from + batch);
                float[] part = new float[(to - from) * MnistSplit.CLASSES];
                assertTrue(
                        ChainInference.predict(net, x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()), part),
                        recipe + " has a oneDNN plan");
                System.arraycopy(part, 0, ours, from * MnistSplit.CLASSES, part.length);
            }
            double worst = 0;
            for (int i = 0; i < x.rows(); i++) {
                for (int k = 0; k < MnistSplit.CLASSES; k++) {
                    int at = i * MnistSplit.CLASSES + k;
                    worst = Math.max(worst, Math.abs(ours[at] - expected[at]));
                }
                assertEquals(
                        Argmax.of(expected, i, MnistSplit.CLASSES),
                        Argmax.of(ours, i, MnistSplit.CLASSES),
                        recipe + ", batches of " + batch + ", image " + i);
            }
            System.err.printf(
                    "OneDnnChain %s, batches of %d: max |ours - DL4J| = %.2e over %d images%n",
                    recipe, batch, worst, x.rows());
            assertTrue(worst <= 1e-5, recipe + ", batches of " + batch + ": " + worst);
        }
    }

    private static INDArray images() throws IOException {
        Optional<java.nio.file.Path> dir =
                MnistLocator.fromEnvironment(Optional.empty()).find();
        MnistSplit split = dir.isPresent() ? Mnist.load(dir.get()).test() : SyntheticDigits.split(2000, 9);
        float[][] rows = new float[split.size()][MnistSplit.PIXELS];
        for (int i = 0; i < rows.length; i++) {
            for (int p = 0; p < MnistSplit.PIXELS; p++) {
                rows[i][p] = split.images().pixel(i, p) / 255f;
            }
        }
        return Nd4j.create(rows);
    }
}
