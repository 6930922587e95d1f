package dev.kerasmnist.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistLocator;
import dev.kerasmnist.data.MnistSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Runs an ONNX export in ONNX Runtime itself and compares it with the DL4J model it came from. */
public final class OnnxRuntimeCheck {
    /** How far ORT's outputs may be from DL4J's. */
    public static final double TOLERANCE = 1e-5;

    private static INDArray images;

    private OnnxRuntimeCheck() {}

    /** What one comparison found. */
    public record Agreement(double maxDifference, int rows, int sameArgmax) {
        public boolean predictionsIdentical() {
            return sameArgmax == rows;
        }
    }

    /**
     * The images compared on: the first 1,000 MNIST test images where MNIST is found ({@code MNIST_DIR},
     * {@code data/mnist}), else the first 32 of them that the fixtures ship ({@code inputs.u8}); pixels / 255. Real
     * digits either way: the fixtures were trained on MNIST, and synthetic strokes drive them to other outputs, where
     * float32 sums in ORT's and DL4J's orders were measured up to 3.4e-4 apart.
     */
    public static synchronized INDArray images() throws IOException {
        if (images == null) {
            Optional<Path> dir = MnistLocator.fromEnvironment(Optional.empty()).find();
            byte[] pixels;
            if (dir.isPresent()) {
                MnistSplit test = Mnist.load(dir.get()).test().first(1000);
                pixels = java.util.Arrays.copyOf(test.images().pixels(), test.size() * MnistSplit.PIXELS);
            } else {
                System.err.println("OnnxRuntimeCheck: MNIST not found, comparing on the fixtures' 32 test digits");
                pixels = java.nio.file.Files.readAllBytes(Path.of("src/test/resources/keras/inputs.u8"));
            }
            int n = pixels.length / MnistSplit.PIXELS;
            float[][] x = new float[n][MnistSplit.PIXELS];
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < MnistSplit.PIXELS; p++) {
                    x[i][p] = (pixels[i * MnistSplit.PIXELS + p] & 0xFF) / 255f;
                }
            }
            images = Nd4j.create(x);
        }
        return images;
    }

    /** ORT's outputs for {@code x} through the ONNX model {@code onnx}, with all graph optimisations on. */
    public static float[][] run(byte[] onnx, INDArray x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(onnx, options)) {
                assertEquals(
                        OnnxExport.INPUT, session.getInputNames().iterator().next());
                assertEquals(
                        OnnxExport.OUTPUT, session.getOutputNames().iterator().next());
                float[][] in = x.toFloatMatrix();
                try (OnnxTensor t = OnnxTensor.createTensor(env, in);
                        OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, t))) {
                    return (float[][]) r.get(0).getValue();
                }
            }
        }
    }

    /** Compares ORT on the export of {@code net} with DL4J's outputs on {@link #images()}. */
    public static Agreement compare(byte[] onnx, Model net) throws IOException, OrtException {
        INDArray x = images();
        float[][] ort = run(onnx, x);
        INDArray dl4j = Networks.output(net, x);
        assertArrayEquals(dl4j.shape(), new long[] {ort.length, ort[0].length}, "output shape");
        double worst = 0;
        int same = 0;
        for (int i = 0; i < ort.length; i++) {
            int best = 0;
            for (int c = 0; c < ort[i].length; c++) {
                worst = Math.max(worst, Math.abs(ort[i][c] - dl4j.getDouble(i, c)));
                best = ort[i][c] > ort[i][best] ? c : best;
            }
            same += best == dl4j.getRow(i).argMax().getInt(0) ? 1 : 0;
        }
        return new Agreement(worst, ort.length, same);
    }

    /** {@link #compare}, asserting agreement within {@link #TOLERANCE} and identical predictions. */
    public static Agreement check(String what, byte[] onnx, Model net) throws IOException, OrtException {
        return check(what, onnx, net, TOLERANCE);
    }

    /** {@link #check} within {@code tolerance}. */
    public static Agreement check(String what, byte[] onnx, Model net, double tolerance)
            throws IOException, OrtException {
        Agreement a = compare(onnx, net);
        System.err.printf(
                "ONNX %s: max |ORT - DL4J| = %.3g over %d images, predictions identical: %d/%d%n",
                what, a.maxDifference(), a.rows(), a.sameArgmax(), a.rows());
        assertTrue(a.maxDifference() <= tolerance, what + ": ORT differs from DL4J by " + a.maxDifference());
        assertTrue(a.predictionsIdentical(), what + ": " + (a.rows() - a.sameArgmax()) + " predictions differ");
        return a;
    }

    /** Writes {@code onnx} where a Python check can read it (for onnx.checker). */
    public static Path save(byte[] onnx, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, onnx);
    }
}
