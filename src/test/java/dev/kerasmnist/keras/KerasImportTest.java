package dev.kerasmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.data.SyntheticDigits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Imported models against a forward pass computed here in plain float maths from each file's own weight arrays
 * (read at the paths Keras writes them, independently of the importer's lookup).
 */
class KerasImportTest {
    static final Path FIXTURES = Path.of("src", "test", "resources", "keras");

    @TempDir
    Path tmp;

    /** One Dense or BatchNormalization layer of a fixture, with the file's arrays. */
    record Step(String kind, float[][] kernel, float[] bias, float[][] norm, String activation) {
    }

    /** A fixture layer: Dense (activation, kernel and bias paths) or BatchNormalization (gamma, beta, mean, var). */
    record Layer(String activation, String... paths) {
        static Layer dense(String activation, String kernel, String bias) {
            return new Layer(activation, kernel, bias);
        }

        static Layer norm(String prefix, String gamma, String beta, String mean, String variance) {
            return new Layer(null, prefix + gamma, prefix + beta, prefix + mean, prefix + variance);
        }

        Step read(Hdf5Archive h5) throws Exception {
            return activation == null ? KerasImportTest.norm(h5, paths[0], paths[1], paths[2], paths[3])
                    : KerasImportTest.dense(h5, activation, paths[0], paths[1]);
        }
    }

    /** Each fixture with the paths where its Keras generation writes the weights. */
    static Stream<Arguments> fixtures() {
        String bn = "model_weights/batch_normalization/sequential/batch_normalization/";
        return Stream.of(
                Arguments.of("keras2-sequential.h5", KerasFormat.KERAS2_H5, "2.13.1", List.of(
                        Layer.dense("relu", "model_weights/dense/dense/kernel:0", "model_weights/dense/dense/bias:0"),
                        Layer.dense("softmax", "model_weights/dense_1/dense_1/kernel:0",
                                "model_weights/dense_1/dense_1/bias:0"))),
                Arguments.of("keras2-functional.h5", KerasFormat.KERAS2_H5, "2.13.1", List.of(
                        Layer.dense("tanh", "model_weights/dense/dense/kernel:0", "model_weights/dense/dense/bias:0"),
                        Layer.dense("softmax", "model_weights/dense_1/dense_1/kernel:0",
                                "model_weights/dense_1/dense_1/bias:0"))),
                Arguments.of("keras3-sequential-legacy.h5", KerasFormat.KERAS3_H5, "3.3.3", List.of(
                        Layer.dense("linear", "model_weights/dense/sequential/dense/kernel",
                                "model_weights/dense/sequential/dense/bias"),
                        Layer.norm(bn, "gamma", "beta", "moving_mean", "moving_variance"),
                        Layer.dense("softmax", "model_weights/dense_1/sequential/dense_1/kernel",
                                "model_weights/dense_1/sequential/dense_1/bias"))),
                Arguments.of("keras3-sequential.keras", KerasFormat.KERAS3_ZIP, "3.3.3", List.of(
                        Layer.dense("linear", "layers/dense/vars/0", "layers/dense/vars/1"),
                        Layer.norm("layers/batch_normalization/vars/", "0", "1", "2", "3"),
                        Layer.dense("softmax", "layers/dense_1/vars/0", "layers/dense_1/vars/1"))),
                Arguments.of("keras3-functional.keras", KerasFormat.KERAS3_ZIP, "3.3.3", List.of(
                        Layer.dense("tanh", "layers/dense/vars/0", "layers/dense/vars/1"),
                        Layer.dense("softmax", "layers/dense_1/vars/0", "layers/dense_1/vars/1"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void importsMatchAPlainForwardPass(String name, KerasFormat format, String version, List<Layer> layers)
            throws Exception {
        Path file = FIXTURES.resolve(name);
        Path weights = format == KerasFormat.KERAS3_ZIP ? weightsOf(file) : file;
        List<Step> steps = new ArrayList<>();
        try (Closer h5 = new Closer(new Hdf5Archive(weights.toString()))) {
            for (Layer layer : layers) {
                steps.add(layer.read(h5.a));
            }
        }
        check(file, format, version, steps);
    }

    /** The imported network's outputs equal the plain forward pass within 1e-5 on 200 images. */
    private static void check(Path file, KerasFormat format, String version, List<Step> steps) throws IOException {
        KerasImport.Imported imported = KerasImport.read(file);
        assertEquals(format, imported.format());
        assertEquals(version, imported.kerasVersion());
        MnistSplit images = SyntheticDigits.split(200, 5);
        float[][] x = new float[images.size()][MnistSplit.PIXELS];
        for (int i = 0; i < x.length; i++) {
            for (int p = 0; p < MnistSplit.PIXELS; p++) {
                x[i][p] = images.images().pixel(i, p) / 255f;
            }
        }
        INDArray out = imported.net().output(Nd4j.create(x));
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            float[] expected = forward(x[i], steps);
            for (int c = 0; c < 10; c++) {
                worst = Math.max(worst, Math.abs(expected[c] - out.getFloat(i, c)));
            }
        }
        System.out.printf("%s: max |DL4J - plain forward pass| = %.2e over %d images%n", file.getFileName(), worst,
                x.length);
        assertTrue(worst < 1e-5, file + ": differs by " + worst);
    }

    /** Keras's maths, one image at a time: Dense, BatchNormalization (epsilon 1e-3), activations. */
    static float[] forward(float[] input, List<Step> steps) {
        float[] a = input;
        for (Step s : steps) {
            if (s.kind().equals("dense")) {
                float[] z = new float[s.bias().length];
                for (int j = 0; j < z.length; j++) {
                    float sum = s.bias()[j];
                    for (int k = 0; k < a.length; k++) {
                        sum += a[k] * s.kernel()[k][j];
                    }
                    z[j] = sum;
                }
                a = activate(z, s.activation());
            } else {
                float[] z = new float[a.length];
                for (int j = 0; j < z.length; j++) {
                    z[j] = (float) (s.norm()[0][j] * (a[j] - s.norm()[2][j]) / Math.sqrt(s.norm()[3][j] + 1e-3)
                            + s.norm()[1][j]);
                }
                a = activate(z, "relu"); // the fixtures' Activation('relu') follows the normalisation
            }
        }
        return a;
    }

    private static float[] activate(float[] z, String activation) {
        float[] a = new float[z.length];
        switch (activation) {
            case "relu" -> {
                for (int j = 0; j < z.length; j++) {
                    a[j] = Math.max(0f, z[j]);
                }
            }
            case "tanh" -> {
                for (int j = 0; j < z.length; j++) {
                    a[j] = (float) Math.tanh(z[j]);
                }
            }
            case "softmax" -> {
                double max = Double.NEGATIVE_INFINITY;
                for (float v : z) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int j = 0; j < z.length; j++) {
                    sum += Math.exp(z[j] - max);
                }
                for (int j = 0; j < z.length; j++) {
                    a[j] = (float) (Math.exp(z[j] - max) / sum);
                }
            }
            default -> System.arraycopy(z, 0, a, 0, z.length);
        }
        return a;
    }

    private static Step dense(Hdf5Archive h5, String activation, String kernel, String bias) throws Exception {
        return new Step("dense", read(h5, kernel).toFloatMatrix(), read(h5, bias).toFloatVector(), null, activation);
    }

    private static Step norm(Hdf5Archive h5, String gamma, String beta, String mean, String variance)
            throws Exception {
        float[][] values = {read(h5, gamma).toFloatVector(), read(h5, beta).toFloatVector(),
                read(h5, mean).toFloatVector(), read(h5, variance).toFloatVector()};
        return new Step("norm", null, null, values, null);
    }

    private static INDArray read(Hdf5Archive h5, String path) throws Exception {
        String[] parts = path.split("/");
        String[] groups = java.util.Arrays.copyOf(parts, parts.length - 1);
        // a dataset name may itself hold a slash-free ":0" suffix; groups are the path before it
        return h5.readDataSet(parts[parts.length - 1], groups).castTo(DataType.FLOAT);
    }

    private Path weightsOf(Path keras) throws IOException {
        Path out = tmp.resolve(keras.getFileName() + ".weights.h5");
        try (ZipFile zip = new ZipFile(keras.toFile()); InputStream in = zip.getInputStream(zip.getEntry("model.weights.h5"))) {
            Files.copy(in, out);
        }
        return out;
    }

    /** Hdf5Archive as a resource. */
    record Closer(Hdf5Archive a) implements AutoCloseable {
        @Override
        public void close() {
            a.close();
        }
    }

    @Test
    void badFilesAreRefusedWithOneLineSayingWhatIsSupported() throws IOException {
        String supported = "supported: Keras 2 .h5, Keras 3 .h5 and .keras";
        Path truncated = Files.write(tmp.resolve("truncated.h5"),
                java.util.Arrays.copyOf(Files.readAllBytes(FIXTURES.resolve("keras3-sequential-legacy.h5")), 30_000));
        Path text = Files.writeString(tmp.resolve("notes.h5"), "not a model");
        Object[][] cases = {
                {FIXTURES.resolve("bad-conv2d.keras"), "layer 'conv2d' is a Conv2D, which this importer does not support"},
                {FIXTURES.resolve("bad-lambda.keras"), "layer 'lambda' is a Lambda layer"},
                {FIXTURES.resolve("bad-keras1.h5"), "(Keras 1.2.2): DL4J's Keras importer cannot read it"},
                {truncated, "cannot be opened as HDF5 (truncated or damaged?"},
                {text, "is neither an HDF5 file nor a .keras zip"},
                {FIXTURES.resolve("bad-no-config.keras"), "is a zip without config.json"},
                {FIXTURES.resolve("bad-weight-shapes.keras"), "weights kernel of layer 'dense' have shape [784, 8] but"
                        + " the config says [784, 16]"},
                {FIXTURES.resolve("bad-five-classes.keras"), "takes 784 inputs and gives 5 outputs"},
                {FIXTURES.resolve("bad-100-inputs.keras"), "takes 100 inputs and gives 10 outputs"},
        };
        for (Object[] c : cases) {
            KerasImportException e = assertThrows(KerasImportException.class, () -> KerasImport.read((Path) c[0]));
            assertTrue(e.getMessage().contains((String) c[1]), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            assertTrue(e.getMessage().contains(supported) || e.getMessage().contains("an MNIST model takes 784")
                    || e.getMessage().contains("the config says"), e.getMessage());
        }
    }
}
