package dev.kerasmnist.training;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.data.IdxImages;
import dev.kerasmnist.data.IdxLabels;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.RmsPropSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Three RMSprop steps through {@link Trainer#fit} (the zeroed accumulator, the fast layers and updater, the metrics
 * listener and the progress line included) against the same steps computed here in plain double-precision Java:
 * Keras's Dense/ReLU/softmax forward pass, categorical crossentropy averaged over the batch, its backward pass, and
 * {@code a = rho a + (1 - rho) g^2; w -= lr g / (sqrt(a) + eps)}.
 */
@Tag(KERNELS)
class GoldenTrainingTest {
    private static final int N = 24;
    private static final int IN = 784;
    private static final int HIDDEN = 16;
    private static final int OUT = 10;
    private static final double LR = 0.001;
    private static final double RHO = 0.9;
    private static final double EPS = 1e-7;

    @Test
    void threeStepsMatchIndependentMaths() {
        Random random = new Random(11);
        byte[] pixels = new byte[N * IN];
        byte[] labels = new byte[N];
        for (int i = 0; i < N; i++) {
            labels[i] = (byte) (i % OUT);
            for (int p = 0; p < IN; p++) {
                pixels[i * IN + p] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 0);
            }
        }
        MnistSplit data = new MnistSplit(new IdxImages(N, 28, 28, pixels), new IdxLabels(N, labels));
        double[][] w0 = matrix(random, IN, HIDDEN, 0.08);
        double[] b0 = vector(random, HIDDEN, 0.05);
        double[][] w1 = matrix(random, HIDDEN, OUT, 0.3);
        double[] b1 = vector(random, OUT, 0.05);

        ModelSpec spec = new ModelSpec(
                IN,
                List.of(new DenseSpec(HIDDEN, "relu"), new DenseSpec(OUT, "softmax")),
                RmsPropSpec.KERAS_DEFAULTS,
                KerasLoss.CATEGORICAL_CROSSENTROPY,
                1);
        MultiLayerNetwork net = KerasToDl4j.build(spec);
        net.getLayer(0).getParam("W").assign(Nd4j.create(toFloat(w0)));
        net.getLayer(0).getParam("b").assign(Nd4j.create(toFloat(new double[][] {b0})[0]));
        net.getLayer(1).getParam("W").assign(Nd4j.create(toFloat(w1)));
        net.getLayer(1).getParam("b").assign(Nd4j.create(toFloat(new double[][] {b1})[0]));

        // One batch holding every example: 3 epochs are 3 steps, whatever the shuffled order.
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        History history = Trainer.fit(
                net,
                data,
                FitSpec.keras(1).epochs(3).batchSize(N),
                new ProgbarLogger(new PrintStream(printed, true, StandardCharsets.UTF_8), false));

        double[][] x = new double[N][IN];
        for (int i = 0; i < N; i++) {
            for (int p = 0; p < IN; p++) {
                x[i][p] = (pixels[i * IN + p] & 0xFF) / 255f; // the float the model sees, widened
            }
        }
        double[][] a0w = new double[IN][HIDDEN];
        double[] a0b = new double[HIDDEN];
        double[][] a1w = new double[HIDDEN][OUT];
        double[] a1b = new double[OUT];
        Matcher line = Pattern.compile("1/1 \\[=+\\] - .* - loss: (\\d\\.\\d{4}) - accuracy: (\\d\\.\\d{4})")
                .matcher(printed.toString(StandardCharsets.UTF_8));
        for (int step = 0; step < 3; step++) {
            // forward
            double[][] h = new double[N][HIDDEN];
            double[][] p = new double[N][OUT];
            double loss = 0;
            int correct = 0;
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < HIDDEN; j++) {
                    double s = b0[j];
                    for (int k = 0; k < IN; k++) {
                        s += x[i][k] * w0[k][j];
                    }
                    h[i][j] = Math.max(0, s);
                }
                double max = Double.NEGATIVE_INFINITY;
                double[] z = new double[OUT];
                for (int c = 0; c < OUT; c++) {
                    z[c] = b1[c];
                    for (int j = 0; j < HIDDEN; j++) {
                        z[c] += h[i][j] * w1[j][c];
                    }
                    max = Math.max(max, z[c]);
                }
                double sum = 0;
                int best = 0;
                for (int c = 0; c < OUT; c++) {
                    p[i][c] = Math.exp(z[c] - max);
                    sum += p[i][c];
                    best = z[c] > z[best] ? c : best;
                }
                for (int c = 0; c < OUT; c++) {
                    p[i][c] /= sum;
                }
                loss -= Math.log(p[i][labels[i]]) / N;
                correct += best == labels[i] ? 1 : 0;
            }
            EpochStats reported = history.epochs().get(step);
            assertEquals(loss, reported.loss(), 1e-5, "loss of step " + (step + 1));
            assertEquals((double) correct / N, reported.accuracy(), 1e-12, "accuracy of step " + (step + 1));
            assertTrue(line.find(), "progress line of epoch " + (step + 1) + ": " + printed);
            assertEquals(String.format(Locale.ROOT, "%.4f", loss), line.group(1));
            assertEquals(String.format(Locale.ROOT, "%.4f", (double) correct / N), line.group(2));

            // backward: dL/dz = (p - y) / N for the batch mean
            double[][] dz = new double[N][OUT];
            for (int i = 0; i < N; i++) {
                for (int c = 0; c < OUT; c++) {
                    dz[i][c] = (p[i][c] - (c == labels[i] ? 1 : 0)) / N;
                }
            }
            double[][] gw1 = new double[HIDDEN][OUT];
            double[] gb1 = new double[OUT];
            double[][] dh = new double[N][HIDDEN];
            for (int i = 0; i < N; i++) {
                for (int c = 0; c < OUT; c++) {
                    gb1[c] += dz[i][c];
                    for (int j = 0; j < HIDDEN; j++) {
                        gw1[j][c] += h[i][j] * dz[i][c];
                        dh[i][j] += dz[i][c] * w1[j][c];
                    }
                }
            }
            double[][] gw0 = new double[IN][HIDDEN];
            double[] gb0 = new double[HIDDEN];
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < HIDDEN; j++) {
                    double d = h[i][j] > 0 ? dh[i][j] : 0;
                    gb0[j] += d;
                    for (int k = 0; k < IN; k++) {
                        gw0[k][j] += x[i][k] * d;
                    }
                }
            }
            rmsprop(w0, gw0, a0w);
            rmsprop(b0, gb0, a0b);
            rmsprop(w1, gw1, a1w);
            rmsprop(b1, gb1, a1b);
        }
        assertClose(w0, net.getLayer(0).getParam("W").toDoubleMatrix(), "W0");
        assertClose(
                new double[][] {b0},
                new double[][] {net.getLayer(0).getParam("b").toDoubleVector()},
                "b0");
        assertClose(w1, net.getLayer(1).getParam("W").toDoubleMatrix(), "W1");
        assertClose(
                new double[][] {b1},
                new double[][] {net.getLayer(1).getParam("b").toDoubleVector()},
                "b1");
    }

    private static void rmsprop(double[][] w, double[][] g, double[][] a) {
        for (int r = 0; r < w.length; r++) {
            rmsprop(w[r], g[r], a[r]);
        }
    }

    private static void rmsprop(double[] w, double[] g, double[] a) {
        for (int i = 0; i < w.length; i++) {
            a[i] = RHO * a[i] + (1 - RHO) * g[i] * g[i];
            w[i] -= LR * g[i] / (Math.sqrt(a[i]) + EPS);
        }
    }

    private static void assertClose(double[][] expected, double[][] actual, String name) {
        double worst = 0;
        for (int r = 0; r < expected.length; r++) {
            for (int c = 0; c < expected[r].length; c++) {
                worst = Math.max(worst, Math.abs(expected[r][c] - actual[r][c]));
            }
        }
        // Steps are ~3e-3 (lr / sqrt(1 - rho)); float32 against double leaves ~1e-7.
        assertTrue(worst < 2e-6, name + " differs by " + worst);
    }

    private static double[][] matrix(Random random, int rows, int cols, double scale) {
        double[][] m = new double[rows][];
        for (int r = 0; r < rows; r++) {
            m[r] = vector(random, cols, scale);
        }
        return m;
    }

    private static double[] vector(Random random, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * scale); // representable in float32
        }
        return v;
    }

    private static float[][] toFloat(double[][] m) {
        float[][] f = new float[m.length][];
        for (int r = 0; r < m.length; r++) {
            f[r] = new float[m[r].length];
            for (int c = 0; c < m[r].length; c++) {
                f[r][c] = (float) m[r][c];
            }
        }
        return f;
    }
}
