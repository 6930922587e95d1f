package dev.kerasmnist.model.fast;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistLocator;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.keras.KerasImport;
import dev.kerasmnist.model.Networks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Graph inference ({@link GraphInference}, in batches through {@link Networks#output}) against DL4J's own
 * {@code outputSingle}, on the Functional ResNet that real Keras trained (keras3-resnet.keras) and real MNIST test
 * images.
 *
 * <p>The tolerance: the convolutions sum their 288 products per output in another order than DL4J's im2col + GEMM
 * (about sqrt(288) * 6e-8 = 1e-6 relative each), and the folded BatchNormalization rounds {@code W * s} once where
 * DL4J rounds {@code (z - mean) / std * gamma} in three steps (a few float ulps). Five such layers and a softmax put
 * the probabilities within a few 1e-6 of DL4J's (measured: 2.0e-6 on the 120 images here, 4.1e-6 on all 10,000
 * with no prediction different, {@code GraphBenchmark ... stock}; real Keras is 2.3e-6 away, RealKerasImportTest).
 * The limit, 1e-4, is 25x that, and still far below what a wrong channel, index or layout would make (of the order
 * of the probabilities themselves).
 */
class GraphInferenceTest {
    static final Path FIXTURES = Path.of("src", "test", "resources", "keras");
    static final double TOLERANCE = 1e-4;
    /** DL4J's stock pass costs 16 ms an image here: enough images for real digits, few enough for a unit test. */
    static final int IMAGES = 120;

    @Tag(KERNELS) // rerun under each forced OpenBLAS kernel (KernelMatrixTest)
    @Test
    void theResNetAgreesWithStockDl4jToFloatRoundingAndPredictsTheSameDigits() throws Exception {
        ComputationGraph graph = resnet();
        assertTrue(GraphInference.covered(graph));
        INDArray x = testImages(IMAGES);
        INDArray params = graph.params().dup();
        INDArray stock = graph.outputSingle(false, x);
        INDArray fast = Networks.output(graph, x);
        double worst = stock.sub(fast).amaxNumber().doubleValue();
        System.out.printf("keras3-resnet: max |fast - stock DL4J| = %.2e on %d test images%n", worst, x.size(0));
        assertTrue(worst <= TOLERANCE, "differs from stock DL4J by " + worst);
        assertArrayEquals(stock.argMax(1).toIntVector(), fast.argMax(1).toIntVector(), "the predicted digits");
        // folded in memory only: the parameters (what a saved file holds) and the layers stay DL4J's
        assertEquals(params, graph.params());
        for (Layer layer : graph.getLayers()) {
            assertTrue(
                    layer.getClass().getName().startsWith("org.deeplearning4j."),
                    layer.getClass().getName());
        }
    }

    @Test
    void batchesGiveEveryImageTheOutputItHasAlone() throws Exception {
        ComputationGraph graph = resnet();
        int n = Networks.GRAPH_BATCH + 100;
        INDArray x = testImages(n);
        INDArray whole = Networks.output(graph, x); // in two batches, 128 + 100
        assertArrayEquals(new long[] {n, MnistSplit.CLASSES}, whole.shape());
        for (int from = 0; from < n; from += 150) {
            int to = Math.min(n, from + 150);
            INDArray part = GraphInference.output(graph, x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()));
            assertEquals(part, whole.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()), "rows " + from);
        }
        INDArray one = GraphInference.output(graph, x.get(NDArrayIndex.interval(7, 8), NDArrayIndex.all()));
        assertEquals(
                one.getFloat(0, 3),
                whole.getFloat(7, 3),
                1e-6,
                "a single image (another convolution algorithm may run for a batch of one)");
    }

    @Test
    void otherGraphsAgreeWithStockAndUncoveredOnesRunAsDl4jsOwn() throws Exception {
        INDArray x = testImages(32);
        for (String name : new String[] {"keras3-residual.keras", "keras3-concatenate.keras"}) {
            ComputationGraph graph =
                    (ComputationGraph) KerasImport.read(FIXTURES.resolve(name)).net();
            assertTrue(GraphInference.covered(graph), name);
            double worst = graph.outputSingle(false, x)
                    .sub(Networks.output(graph, x))
                    .amaxNumber()
                    .doubleValue();
            assertTrue(worst <= TOLERANCE, name + " differs from stock DL4J by " + worst);
        }
        // a recurrent layer, whose layout DL4J's graph permutes between layers by itself: DL4J's own pass
        ComputationGraph recurrent = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(1)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.recurrent(3, 4))
                .addLayer("lstm", new LSTM.Builder().nOut(5).build(), "in")
                .addLayer("out", new RnnOutputLayer.Builder().nOut(2).build(), "lstm")
                .setOutputs("out")
                .build());
        recurrent.init();
        assertFalse(GraphInference.covered(recurrent));
        INDArray sequences = Nd4j.rand(DataType.FLOAT, 2, 3, 4);
        assertEquals(recurrent.outputSingle(false, sequences), Networks.output(recurrent, sequences));
    }

    static ComputationGraph resnet() throws Exception {
        return (ComputationGraph)
                KerasImport.read(FIXTURES.resolve("keras3-resnet.keras")).net();
    }

    /** The first {@code n} MNIST test images as pixels / 255, or the fixtures' 32 real ones where MNIST is absent. */
    static INDArray testImages(int n) throws Exception {
        Optional<Path> dir = MnistLocator.fromEnvironment(Optional.empty()).find();
        float[] x;
        if (dir.isPresent()) {
            MnistSplit test = Mnist.load(dir.get()).test().first(n);
            x = new float[n * MnistSplit.PIXELS];
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < MnistSplit.PIXELS; p++) {
                    x[i * MnistSplit.PIXELS + p] = test.images().pixel(i, p) / 255f;
                }
            }
        } else {
            byte[] pixels = Files.readAllBytes(FIXTURES.resolve("inputs.u8"));
            x = new float[n * MnistSplit.PIXELS];
            for (int i = 0; i < x.length; i++) {
                x[i] = (pixels[i % pixels.length] & 0xff) / 255f; // the 32 images again
            }
        }
        return Nd4j.create(x, new long[] {n, MnistSplit.PIXELS}, 'c');
    }
}
