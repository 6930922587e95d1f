package dev.kerasmnist.model.fast;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.SyntheticDigits;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.training.Recipe;
import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The convolution layers through libnd4j's conv2d ops against DL4J's im2col + GEMM. They sum the same products in
 * another order, so values agree to float rounding: a sum of K float products carries a relative error of about
 * sqrt(K) * 6e-8 (K = 576 for the third layer: about 1.4e-6); the tolerance below is 1e-4 of the largest magnitude,
 * 70x that, and still far below any difference a wrong index or a wrong layout would make (those are of the order of
 * the values themselves).
 */
class FastConvolutionTest {
    private static final double TOLERANCE = 1e-4;

    private static DataSet batch() {
        return MnistIterators.training(SyntheticDigits.split(64, 3), 64, 1)
                .next()
                .copy();
    }

    @Tag(KERNELS)
    @Test
    void theConvnetsOutputsGradientsAndLossAgreeWithStockDl4jToFloatRounding() {
        ModelSpec spec = Recipe.CONVNET.model(7);
        MultiLayerNetwork stock = KerasToDl4j.buildStock(spec);
        MultiLayerNetwork fast = KerasToDl4j.build(spec);
        assertInstanceOf(FastConvolutionLayer.class, fast.getLayer(0));
        DataSet b = batch();

        assertClose(stock.output(b.getFeatures()), fast.output(b.getFeatures()), "softmax outputs");
        assertEquals(
                stock.output(b.getFeatures()).argMax(1),
                fast.output(b.getFeatures()).argMax(1),
                "the predicted digit of every image");
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {stock, fast}) {
            net.setInput(b.getFeatures());
            net.setLabels(b.getLabels());
            net.computeGradientAndScore();
        }
        assertEquals(stock.score(), fast.score(), 1e-5, "loss");
        assertClose(stock.gradient().gradient(), fast.gradient().gradient(), "gradient of every parameter");

        // Training steps on both stay together too (RMSprop divides by the gradient's own scale, so compare the
        // losses along the way rather than parameters that a near-zero gradient's sign can move either way).
        for (int step = 0; step < 5; step++) {
            stock.fit(b);
            fast.fit(b);
            assertEquals(stock.score(), fast.score(), 1e-3 * Math.max(1, stock.score()), "loss after step " + step);
        }
    }

    @Tag(KERNELS)
    @Test
    void aConvnetTrainedFastLoadsInPlainDl4jWithTheSameOutputs(@TempDir Path dir) throws Exception {
        MultiLayerNetwork fast = KerasToDl4j.build(Recipe.CONVNET.model(7));
        DataSet b = batch();
        fast.fit(b);
        File file = dir.resolve("convnet.zip").toFile();
        ModelSerializer.writeModel(fast, file, true);
        MultiLayerNetwork plain = MultiLayerNetwork.load(file, true);
        assertEquals(
                org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class,
                plain.getLayer(0).getClass());
        assertClose(plain.output(b.getFeatures()), fast.output(b.getFeatures()), "outputs of the loaded model");
    }

    /** On Linux x86-64 the pom adds nd4j-native's oneDNN build, and JavaCPP loads it: the convolutions are fast. */
    @Test
    void onLinuxX8664TheOnednnNativesAreTheOnesLoaded() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getProperty("os.name").equals("Linux")
                        && System.getProperty("os.arch").equals("amd64"),
                "the oneDNN build exists for Linux x86-64 only");
        assertTrue(Helpers.onednnLoaded(), "JavaCPP loaded " + org.bytedeco.javacpp.Loader.getLoadedLibraries());
        String maps = java.nio.file.Files.readString(Path.of("/proc/self/maps"));
        assertTrue(maps.contains("linux-x86_64-onednn/libnd4jcpu.so"), "libnd4jcpu from the oneDNN build is mapped");
    }

    private static void assertClose(INDArray expected, INDArray actual, String what) {
        float[] e = expected.dup('c').data().asFloat();
        float[] a = actual.dup('c').data().asFloat();
        assertEquals(e.length, a.length, what);
        double scale = 0;
        for (float v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(e[i] - a[i]));
        }
        assertTrue(
                worst <= TOLERANCE * scale, what + ": largest difference " + worst + " against values up to " + scale);
    }
}
