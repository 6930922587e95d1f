package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.plots.Charts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** import-keras, then the imported model through evaluate, predict, compare and the Java API. */
class KerasCliTest extends CliHarness {
    private static final Path FIXTURES = Path.of("src", "test", "resources", "keras");

    @TempDir
    Path tmp;

    @Test
    void importedModelsWorkLikeTrainedOnes() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 300, 200);
        Path imported = tmp.resolve("k3.zip");
        assertEquals(
                0,
                run(
                        "import-keras",
                        FIXTURES.resolve("keras3-sequential.keras").toString(),
                        "--model",
                        imported.toString()),
                stderr.toString());
        assertTrue(out().contains("Keras 3 native (.keras), Keras 3.3.3"), out());
        assertTrue(
                out().contains("Input((28, 28)) -> Flatten -> Dense(32, linear) -> BatchNormalization(axis=-1) -> "
                        + "Activation(relu) -> Dropout(0.2) -> Dense(10, softmax)"),
                out());

        Provenance p = ModelStore.readProvenance(new ModelFiles(imported));
        assertEquals(Provenance.Kind.IMPORTED, p.origin().kind());
        assertEquals("3.3.3", p.origin().details().get("keras_version"));
        assertEquals(64, p.origin().details().get("sha256").length());
        assertTrue(p.origin().details().get("layers").startsWith("Input((28, 28)), Flatten"));

        assertEquals(0, run(onData(data, "evaluate", "--model", imported.toString())));
        assertTrue(out().contains("test_acc: "), out());

        float[] px = oneDigit();
        Path png = tmp.resolve("d.png");
        ImageIO.write(Charts.digitImage(px), "png", png.toFile());
        assertEquals(0, run("predict", "--model", imported.toString(), png.toString()), stderr.toString());
        assertEquals(
                DigitClassifier.load(imported).predict(px).digit(),
                DigitClassifier.load(imported).predict(png).digit());

        // A model trained here next to the imported one
        Path trained = tmp.resolve("trained.zip");
        assertEquals(0, run(onData(data, "train", "--epochs", "1", "--model", trained.toString())));
        Path grid = tmp.resolve("compare.png");
        stdout.reset();
        assertEquals(
                0,
                run(
                        "compare",
                        trained.toString(),
                        imported.toString(),
                        "--data",
                        data.toString(),
                        "--skip-checksum",
                        "--png",
                        grid.toString()),
                stderr.toString());
        assertTrue(
                out().matches("(?s).*test accuracy\\s+\\d+\\.\\d\\d%\\s+\\d+\\.\\d\\d%\\s+\\(tutorial 98\\.01%\\).*"),
                out());
        assertTrue(out().contains("F1 digit 9"), out());
        assertTrue(out().matches("(?s).*agreement: \\d+\\.\\d\\d% of 200 test images.*"), out());
        assertTrue(ImageIO.read(grid.toFile()).getWidth() == 840, "a 10-column grid");
    }

    /** import-keras, train --from (fine-tuning), export-keras, and the export read back: one model all the way. */
    @Test
    void anImportedConvnetIsFineTunedAndExported() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 300, 200);
        Path imported = tmp.resolve("convnet.zip");
        assertEquals(
                0,
                run(
                        "import-keras",
                        FIXTURES.resolve("keras3-convnet.keras").toString(),
                        "--model",
                        imported.toString()),
                stderr.toString());
        stdout.reset();
        assertEquals(
                0,
                run(onData(
                        data,
                        "train",
                        "--from",
                        imported.toString(),
                        "--epochs",
                        "1",
                        "--batch-size",
                        "50",
                        "--learning-rate",
                        "0.0001")),
                stderr.toString());
        assertTrue(
                out().contains(
                                "Fine-tuning with RMSprop(learning_rate=1.0E-4, rho=0.9, epsilon=1.0E-7, epsilon inside the"
                                        + " square root, as Keras 3.3.3 adds it): as the Keras file was compiled"
                                        + " (learning rate 1.0E-4 as given)"),
                out());
        Path tuned = tmp.resolve("convnet-tuned.zip");
        Provenance p = ModelStore.readProvenance(new ModelFiles(tuned));
        assertEquals(Provenance.Kind.FINE_TUNED, p.origin().kind());
        assertEquals("keras3-convnet.keras", p.origin().name());
        assertEquals("imported", p.origin().details().get("from_kind"));
        assertEquals("Keras 3 native (.keras)", p.origin().details().get("from_format"));
        assertEquals(1, p.training().orElseThrow().epochsTrained());
        assertTrue(
                ModelStore.load(imported)
                                .params()
                                .sub(ModelStore.load(tuned).params())
                                .amaxNumber()
                                .doubleValue()
                        > 0,
                "trained: the weights moved");

        Path keras = tmp.resolve("tuned.keras");
        stdout.reset();
        assertEquals(0, run("export-keras", tuned.toString(), "--out", keras.toString()), stderr.toString());
        assertTrue(out().contains("in Python: keras.saving.load_model(\"tuned.keras\")"), out());
        Path back = tmp.resolve("back.zip");
        assertEquals(0, run("import-keras", keras.toString(), "--model", back.toString()), stderr.toString());
        float[] px = oneDigit();
        assertArrayEquals(
                DigitClassifier.load(tuned).predict(px).probabilities(),
                DigitClassifier.load(back).predict(px).probabilities(),
                1e-6f);
    }

    /** A residual Functional graph (a DL4J ComputationGraph) through every consumer, fine-tuning and resuming too. */
    @Test
    void anImportedResidualGraphIsEvaluatedPredictedComparedAndExported() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 300, 200);
        Path graph = tmp.resolve("residual.zip");
        assertEquals(
                0,
                run("import-keras", FIXTURES.resolve("keras3-residual.keras").toString(), "--model", graph.toString()),
                stderr.toString());
        assertTrue(out().contains("Model: \"functional\""), out());
        assertTrue(out().contains(" add (Add)                   (None, 28, 28, 8)         0"), out());
        stdout.reset();
        assertEquals(0, run(onData(data, "evaluate", "--model", graph.toString())), stderr.toString());
        assertTrue(out().contains("test_acc: "), out());

        float[] px = oneDigit();
        Path png = tmp.resolve("d.png");
        ImageIO.write(Charts.digitImage(px), "png", png.toFile());
        assertEquals(0, run("predict", "--model", graph.toString(), png.toString()), stderr.toString());
        Path sequential = tmp.resolve("k3.zip");
        assertEquals(
                0,
                run(
                        "import-keras",
                        FIXTURES.resolve("keras3-sequential.keras").toString(),
                        "--model",
                        sequential.toString()),
                stderr.toString());
        stdout.reset();
        assertEquals(
                0,
                run("compare", graph.toString(), sequential.toString(), "--data", data.toString(), "--skip-checksum"),
                stderr.toString());
        assertTrue(out().matches("(?s).*agreement: \\d+\\.\\d\\d% of 200 test images.*"), out());

        Path keras = tmp.resolve("residual.keras");
        assertEquals(0, run("export-keras", graph.toString(), "--out", keras.toString()), stderr.toString());
        Path back = tmp.resolve("back.zip");
        assertEquals(0, run("import-keras", keras.toString(), "--model", back.toString()), stderr.toString());
        assertArrayEquals(
                DigitClassifier.load(graph).predict(px).probabilities(),
                DigitClassifier.load(back).predict(px).probabilities(),
                1e-6f);

        // fine-tuned as a graph, with its checkpoints, then resumed from the finished model for one epoch more
        Path tuned = tmp.resolve("residual-tuned.zip");
        assertEquals(
                0,
                run(onData(data, "train", "--from", graph.toString(), "--model", tuned.toString(), "--epochs", "1")),
                stderr.toString());
        assertTrue(out().contains("Saved " + tuned), out());
        assertEquals(
                0,
                run(onData(data, "train", "--resume", "--model", tuned.toString(), "--epochs", "2")),
                stderr.toString());
        assertEquals(3, Files.readAllLines(new ModelFiles(tuned).history()).size(), "a header and two epochs");
        assertInstanceOf(ComputationGraph.class, ModelStore.loadAny(tuned));
    }

    /** A synthetic digit's pixels / 255. */
    private static float[] oneDigit() {
        float[] px = new float[MnistSplit.PIXELS];
        MnistSplit test = Fixtures.synthetic(5, 2);
        for (int i = 0; i < px.length; i++) {
            px[i] = test.images().pixel(0, i) / 255f;
        }
        return px;
    }

    @Test
    void aRefusedFileWritesNothing() throws IOException {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        assertEquals(
                1,
                run(
                        "import-keras",
                        FIXTURES.resolve("bad-lambda.keras").toString(),
                        "--model",
                        out.resolve("m.zip").toString()));
        assertTrue(
                stderr.toString().startsWith("error: ")
                        && stderr.toString().strip().lines().count() == 1,
                stderr.toString());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    @Test
    void networksEndingInALossLayerAsDl4jsImporterMakesThemAreAccepted() throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .list()
                .layer(new DenseLayer.Builder()
                        .nIn(784)
                        .nOut(10)
                        .activation(Activation.SOFTMAX)
                        .build())
                .layer(new LossLayer.Builder(LossFunction.MCXENT)
                        .activation(Activation.IDENTITY)
                        .build())
                .build());
        net.init();
        Path file = tmp.resolve("loss-layer.zip");
        ModelSerializer.writeModel(net, file.toFile(), false);
        DigitClassifier classifier = DigitClassifier.load(file);
        assertEquals(10, classifier.predict(new float[784]).probabilities().length);
    }
}
