package dev.kerasmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistLocator;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.Networks;
import dev.kerasmnist.training.Recipe;
import dev.kerasmnist.training.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every recipe and every imported fixture exported as .keras and .h5: re-imported, it gives the same outputs; read
 * by the independent NumPy forward pass (src/test/keras/kerasnp.py, on Debian's python3-h5py and python3-numpy), it
 * gives our outputs within 1e-5.
 */
class KerasExportTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    static Stream<String> models() throws IOException {
        List<String> all = new ArrayList<>();
        for (Recipe r : Recipe.values()) {
            all.add("recipe:" + r.cliName());
        }
        KerasImportTest.fixtures().forEach(all::add);
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void exportsRoundTripAndNumPyReadsThem(String name) throws Exception {
        Model net;
        ModelSpec spec;
        if (name.startsWith("recipe:")) {
            spec = Recipe.of(name.substring("recipe:".length())).model(7);
            net = KerasToDl4j.build(spec); // the seeded initial weights: every layout matters as much as trained ones
        } else {
            KerasImport.Imported imported =
                    KerasImport.read(KerasImportTest.FIXTURES.resolve(name), name.contains("raw-pixels") ? 255 : 1);
            net = imported.net();
            spec = imported.spec();
        }
        INDArray x = KerasImportTest.inputs();
        INDArray ours = Networks.output(net, x);
        for (KerasExport.Format format : KerasExport.Format.values()) {
            Path file = tmp.resolve("m." + format.extension());
            KerasExport.write(net, spec, file, format);
            KerasImport.Imported back = KerasImport.read(file, spec.inputScale());
            assertEquals(spec.layers(), back.spec().layers(), "the same layers come back");
            assertEquals(spec.inbound(), back.spec().inbound(), "connected alike");
            double reimported =
                    ours.sub(Networks.output(back.net(), x)).amaxNumber().doubleValue();
            assertTrue(reimported <= 1e-6, format + " re-imported differs by " + reimported);
            JsonNode numpy = numpy(file, spec.inputScale());
            if (numpy != null) {
                // a logits model: NumPy gives the logits, DL4J the probabilities the loss's softmax makes of them
                JsonNode outputs = spec.loss().fromLogits() ? softmax(numpy.path("outputs")) : numpy.path("outputs");
                double worst = KerasImportTest.worst(ours, outputs);
                System.out.printf("%s as .%s: max |DL4J - NumPy| = %.2e%n", name, format.extension(), worst);
                assertTrue(worst <= 1e-5, format + ": NumPy's forward pass differs by " + worst);
            }
        }
    }

    /**
     * Keras builds a merge layer from a list of input shapes, one per input ({@code Merge.build} refuses a single
     * shape), so that is what the export writes for Add and Concatenate.
     */
    @Test
    void mergeLayersAreBuiltWithOneShapePerInput() throws Exception {
        for (String name : new String[] {"keras3-residual.keras", "keras3-concatenate.keras"}) {
            KerasImport.Imported imported = KerasImport.read(KerasImportTest.FIXTURES.resolve(name));
            Path file = tmp.resolve(name);
            KerasExport.write(imported.net(), imported.spec(), file, KerasExport.Format.KERAS);
            JsonNode config;
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
                config = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry("config.json")));
            }
            int merges = 0;
            for (JsonNode layer : config.path("config").path("layers")) {
                if (List.of("Add", "Concatenate")
                        .contains(layer.path("class_name").asText())) {
                    JsonNode shapes = layer.path("build_config").path("input_shape");
                    assertEquals(2, shapes.size(), name + ": " + layer);
                    assertTrue(shapes.get(0).isArray() && shapes.get(0).get(0).isNull(), name + ": " + shapes);
                    merges++;
                }
            }
            assertEquals(name.contains("residual") ? 1 : 2, merges, name);
        }
    }

    /** The convnet trained here (one short epoch), exported: NumPy's pass scores 1,000 test images as we do. */
    @Test
    void aConvnetTrainedHereExportsWithTheSameAccuracy() throws Exception {
        Optional<Path> dir = MnistLocator.fromEnvironment(Optional.empty()).find();
        assumeTrue(dir.isPresent(), "real MNIST not found; run the fetch-data command to include this test");
        Mnist mnist = Mnist.load(dir.get());
        ModelSpec spec = Recipe.CONVNET.model(1);
        MultiLayerNetwork net = KerasToDl4j.build(spec);
        Trainer.fit(net, mnist.train(), FitSpec.keras(1).epochs(1).batchSize(64).limit(6_000));
        MnistSplit test = mnist.test().first(1_000);
        double ours = Evaluator.evaluate(net, test).accuracy();
        assertTrue(ours > 0.8, "one epoch on 6,000 images: " + ours);
        Path file = tmp.resolve("convnet.keras");
        KerasExport.write(net, spec, file, KerasExport.Format.KERAS);
        Path pixels = Files.write(
                tmp.resolve("test.u8"),
                java.util.Arrays.copyOf(test.images().pixels(), test.size() * MnistSplit.PIXELS));
        JsonNode numpy = numpy(file, 1, pixels).path("outputs");
        int right = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = 0;
            for (int c = 1; c < MnistSplit.CLASSES; c++) {
                best = numpy.get(i).get(c).asDouble() > numpy.get(i).get(best).asDouble() ? c : best;
            }
            right += best == test.label(i) ? 1 : 0;
        }
        System.out.printf(
                "convnet trained here: test accuracy %.4f in DL4J, %.4f in NumPy over the exported file%n",
                ours, right / (double) test.size());
        assertEquals(ours, right / (double) test.size(), 1e-9, "the same images right");
    }

    static JsonNode softmax(JsonNode logits) {
        com.fasterxml.jackson.databind.node.ArrayNode rows = new ObjectMapper().createArrayNode();
        for (JsonNode row : logits) {
            double max = Double.NEGATIVE_INFINITY;
            for (JsonNode v : row) {
                max = Math.max(max, v.asDouble());
            }
            double sum = 0;
            for (JsonNode v : row) {
                sum += Math.exp(v.asDouble() - max);
            }
            com.fasterxml.jackson.databind.node.ArrayNode r = rows.addArray();
            for (JsonNode v : row) {
                r.add(Math.exp(v.asDouble() - max) / sum);
            }
        }
        return rows;
    }

    /** A logits model (linear last layer, from_logits loss) exports back as it was: linear, from_logits=True. */
    @Test
    void aLogitsModelExportsBackAsItWas() throws Exception {
        KerasImport.Imported imported = KerasImport.read(KerasImportTest.FIXTURES.resolve("keras3-logits.keras"));
        assertTrue(imported.spec().loss().fromLogits(), "the loss applies the softmax");
        INDArray out = Networks.output(imported.net(), KerasImportTest.inputs());
        assertEquals(1.0, out.getRow(0).sumNumber().doubleValue(), 1e-5, "DL4J serves probabilities");
        for (KerasExport.Format format : KerasExport.Format.values()) {
            Path file = tmp.resolve("logits." + format.extension());
            KerasExport.write(imported.net(), imported.spec(), file, format);
            JsonNode config;
            JsonNode loss;
            if (format == KerasExport.Format.KERAS) {
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
                    config = new ObjectMapper().readTree(zip.getInputStream(zip.getEntry("config.json")));
                }
                loss = config.path("compile_config").path("loss");
            } else {
                try (io.jhdf.HdfFile h5 = new io.jhdf.HdfFile(file)) {
                    config = new ObjectMapper()
                            .readTree((String) h5.getAttribute("model_config").getData());
                    loss = new ObjectMapper()
                            .readTree(
                                    (String) h5.getAttribute("training_config").getData())
                            .path("loss");
                }
            }
            JsonNode layers = config.path("config").path("layers");
            assertEquals(
                    "linear",
                    layers.get(layers.size() - 1)
                            .path("config")
                            .path("activation")
                            .asText());
            assertEquals("CategoricalCrossentropy", loss.path("class_name").asText(), format + ": " + loss);
            assertTrue(loss.path("config").path("from_logits").asBoolean(), format + ": " + loss);
        }
    }

    static JsonNode numpy(Path model, double scale) throws Exception {
        return numpy(model, scale, KerasImportTest.FIXTURES.resolve("inputs.u8"));
    }

    /** kerasnp.py's outputs for the 32 test images, or null where Debian's h5py and NumPy are not installed. */
    static JsonNode numpy(Path model, double scale, Path pixels) throws Exception {
        boolean available = Files.isExecutable(PYTHON)
                && new ProcessBuilder(PYTHON.toString(), "-c", "import h5py, numpy")
                                .start()
                                .waitFor()
                        == 0;
        assumeTrue(available || System.getenv("CI") != null, "no python3-h5py: the NumPy check is skipped");
        Process p = new ProcessBuilder(
                        PYTHON.toString(),
                        "src/test/keras/kerasnp.py",
                        model.toString(),
                        pixels.toString(),
                        Double.toString(scale))
                .redirectErrorStream(true)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(out, StandardCharsets.UTF_8));
        return new ObjectMapper().readTree(out);
    }
}
