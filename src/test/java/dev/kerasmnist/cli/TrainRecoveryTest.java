package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.RmsPropSpec;
import dev.kerasmnist.training.Checkpoints;
import dev.kerasmnist.training.History;
import dev.kerasmnist.training.Trainer;
import dev.kerasmnist.training.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Failed and resumed runs: every message true, every way out named and working. */
class TrainRecoveryTest extends CliHarness {
    private static final long SEED = 3;

    @TempDir
    Path tmp;

    /** Runs {@code args} with fresh output buffers. */
    @Override
    protected int run(String... args) {
        stderr = new StringWriter();
        stdout.reset();
        return super.run(args);
    }

    /** The checkpoint an interrupted `train --epochs 3` leaves after epoch 1, made through the same classes. */
    private Path interruptedAfterEpoch1(Path data, Path model) throws IOException {
        MnistSplit train = dev.kerasmnist.data.Mnist.load(data, dev.kerasmnist.data.Mnist.Checksums.SKIP)
                .train();
        ModelSpec spec = ModelSpec.tutorial(SEED);
        FitSpec fit = FitSpec.keras(SEED).epochs(3).batchSize(128);
        MultiLayerNetwork net = KerasToDl4j.build(spec);
        Checkpoints checkpoints = Checkpoints.forModel(new ModelFiles(model));
        History one = Trainer.fit(net, train, FitSpec.keras(SEED).epochs(1).batchSize(128));
        checkpoints.save(net, new Checkpoints.State(1, spec, fit, one.toCsv()));
        return checkpoints.dir();
    }

    @Test
    void divergingInEpoch2KeepsEpoch1AndEveryWayOutWorks() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 600, 100);
        Path model = tmp.resolve("m.zip");
        Path dir = interruptedAfterEpoch1(data, model);
        String[] common = {"--data", data.toString(), "--skip-checksum", "--model", model.toString()};

        // Resuming with a learning rate that blows up: epoch 2 diverges.
        assertEquals(1, run(concat(common, "train", "--resume", "--learning-rate", "1e30")));
        String err = stderr.toString();
        assertTrue(err.startsWith("error: training diverged: loss is "), err);
        assertTrue(err.contains("at epoch 2, batch"), err);
        assertTrue(
                err.contains(model + " was not written; epochs up to 1 are checkpointed in " + dir
                        + "; continue with `keras-mnist train --resume --model " + model
                        + " --learning-rate 1E+29`, or delete "
                        + dir + " to start afresh"),
                err);
        assertTrue(Files.exists(dir.resolve("epoch-1.zip")), "what the message promises is there");
        assertTrue(Files.notExists(model));

        // A plain train is refused, naming both ways out.
        assertEquals(1, run(concat(common, "train", "--epochs", "3")));
        assertTrue(
                stderr.toString()
                        .contains("; continue with `keras-mnist train --resume --model " + model + "`, or delete " + dir
                                + " to start afresh"),
                stderr.toString());

        // A bad rate is a usage error, whether resuming or not.
        assertEquals(2, run(concat(common, "train", "--resume", "--learning-rate", "-1")));
        assertTrue(stderr.toString().contains("learning rate must be a positive number, got -1.0"), stderr.toString());

        // Options that would change the run are refused, not ignored.
        assertEquals(2, run(concat(common, "train", "--resume", "--batch-size", "64", "--seed", "9")));
        assertTrue(stderr.toString().contains("--batch-size, --seed cannot change when resuming"), stderr.toString());

        // Resuming with a sane rate finishes epochs 2 and 3 and saves the model.
        assertEquals(0, run(concat(common, "train", "--resume", "--learning-rate", "0.001")), stderr.toString());
        assertTrue(
                stdout.toString()
                        .contains("1 of 3 epochs done (settings from the checkpoint, with learning rate" + " 0.001)"),
                stdout.toString());
        assertEquals(List.of(1, 2, 3), epochs(model));
        assertTrue(Files.notExists(dir));
        assertEquals(
                0.001,
                ModelStore.readProvenance(new ModelFiles(model))
                        .model()
                        .orElseThrow()
                        .optimizer()
                        .learningRate());

        // --epochs extends the finished run, as Keras's initial_epoch does.
        assertEquals(2, run(concat(common, "train", "--resume", "--epochs", "3")));
        assertTrue(
                stderr.toString()
                        .contains("invalid option: 3 epochs in all is not more than the 3 epochs already "
                                + "done; add --epochs N (more than 3) to train it further"),
                stderr.toString());
        assertEquals(1, run(concat(common, "train", "--resume")));
        assertTrue(
                stderr.toString()
                        .contains("the run in " + model + " finished its 3 epochs; add --epochs N (more " + "than 3)"),
                stderr.toString());
        assertEquals(0, run(concat(common, "train", "--resume", "--epochs", "4")), stderr.toString());
        assertEquals(List.of(1, 2, 3, 4), epochs(model));
        assertEquals(
                4,
                ModelStore.readProvenance(new ModelFiles(model))
                        .training()
                        .orElseThrow()
                        .epochsTrained());
    }

    @Test
    void extendingARunGivesTheSameModelAsTrainingItsEpochsInOneGo() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 300, 50);
        Path split = tmp.resolve("split.zip");
        Path straight = tmp.resolve("straight.zip");
        String[] common = {"--data", data.toString(), "--skip-checksum", "--batch-size", "64"};
        assertEquals(0, run(concat(common, "train", "--epochs", "1", "--model", split.toString())));
        assertEquals(
                0,
                run(concat(
                        new String[] {"--data", data.toString(), "--skip-checksum"},
                        "train",
                        "--resume",
                        "--epochs",
                        "2",
                        "--model",
                        split.toString())),
                stderr.toString());
        assertEquals(0, run(concat(common, "train", "--epochs", "2", "--model", straight.toString())));
        assertEquals(ModelStore.load(straight).params(), ModelStore.load(split).params());
    }

    @Test
    void messagesForRunsStoppedBeforeAnyCheckpointAreTrue() {
        ModelFiles files = new ModelFiles(tmp.resolve("m.zip"));
        Checkpoints checkpoints = Checkpoints.forModel(files);
        Remedy.Resume resume = Remedy.Resume.of(files.zip(), java.util.Optional.of("tutorial"));
        TrainingRun.Saved fresh = TrainingRun.whatIsSaved(0, false, checkpoints, files, resume);
        assertEquals(
                files.zip() + " was not written and no epoch was completed, so nothing was checkpointed: "
                        + "run it again",
                fresh.sentence());
        assertEquals(java.util.List.of(), fresh.remedies(), "nothing to resume");
        TrainingRun.Saved extending = TrainingRun.whatIsSaved(0, true, checkpoints, files, resume);
        assertTrue(extending.sentence().startsWith(files.zip() + " is unchanged"), extending.sentence());
        assertEquals(java.util.List.of(resume), extending.remedies());
        TrainingRun.Saved checkpointed = TrainingRun.whatIsSaved(2, false, checkpoints, files, resume);
        assertEquals(java.util.List.of(resume, new Remedy.StartAfresh(checkpoints.dir())), checkpointed.remedies());
    }

    @Test
    void epsilonInsideTheSquareRootIsRecordedAndKept() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 300, 50);
        Path model = tmp.resolve("m.zip");
        assertEquals(
                0,
                run(onData(
                        data,
                        "train",
                        "--epochs",
                        "1",
                        "--rmsprop-epsilon",
                        "INSIDE_SQRT",
                        "--model",
                        model.toString())),
                stderr.toString());
        RmsPropSpec rms = ModelStore.readProvenance(new ModelFiles(model))
                .model()
                .orElseThrow()
                .optimizer();
        assertEquals(EpsilonPlacement.INSIDE_SQRT, rms.epsilonPlacement());
        Path outside = tmp.resolve("o.zip");
        assertEquals(0, run(onData(data, "train", "--epochs", "1", "--model", outside.toString())));
        assertTrue(
                !ModelStore.load(model).params().equals(ModelStore.load(outside).params()),
                "the placement changes the steps");
    }

    @Test
    void aDamagedHistoryStillGivesAReport() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 200, 50);
        Path model = tmp.resolve("m.zip");
        assertEquals(0, run(onData(data, "train", "--epochs", "1", "--model", model.toString())));
        Files.writeString(new ModelFiles(model).history(), "epoch,loss,accuracy,seconds\n1,0.5\n");
        assertEquals(
                0,
                run(onData(
                        data,
                        "evaluate",
                        "--model",
                        model.toString(),
                        "--report",
                        tmp.resolve("report").toString())));
        assertTrue(
                stdout.toString()
                        .contains(
                                "warning: " + new ModelFiles(model).history() + " is damaged (line 2 is"
                                        + " '1,0.5', expected 4 numbers epoch,loss,accuracy,seconds); the report has no training curves"),
                stdout.toString());
        assertTrue(Files.exists(tmp.resolve("report").resolve("index.html")));
    }

    @CommandLine.Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new NullPointerException();
        }
    }

    @Test
    void aFailureWithoutAMessageNamesTheException() {
        CommandLine cli = Main.commandLine().addSubcommand("boom", new Boom());
        cli.setErr(new PrintWriter(stderr, true));
        assertEquals(1, cli.execute("boom"));
        String err = stderr.toString();
        assertTrue(
                err.startsWith("error: java.lang.NullPointerException (a bug in keras-mnist, not something you "
                        + "did: please report it with the trace below)\njava.lang.NullPointerException\n\tat "),
                err);
        assertTrue(err.contains("TrainRecoveryTest$Boom.call"), "the trace names where: " + err);
    }

    @Test
    void aSettingRefusedInsideALibraryIsABugButOursIsOneLine() {
        IllegalArgumentException ours = new IllegalArgumentException("epochs must be at least 1, got 0");
        ours.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("dev.kerasmnist.model.FitSpec", "<init>", "FitSpec.java", 50)
        });
        IllegalArgumentException theirs = new IllegalArgumentException("Invalid shape");
        theirs.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("org.nd4j.linalg.api.shape.Shape", "check", "Shape.java", 9)
        });
        assertTrue(Remedies.expected(ours));
        assertFalse(Remedies.expected(theirs));
        assertTrue(
                Remedies.expected(new java.io.UncheckedIOException(new java.io.IOException("disk full")).getCause()));
        assertTrue(Remedies.expected(Remedies.unwrap(new java.util.concurrent.CompletionException(
                new dev.kerasmnist.data.MnistNotFoundException("MNIST not found")))));
    }

    private static List<Integer> epochs(Path model) throws IOException {
        return History.fromCsv(Files.readString(new ModelFiles(model).history())).epochs().stream()
                .map(e -> e.epoch())
                .toList();
    }

    private static String[] concat(String[] common, String... first) {
        String[] all = new String[first.length + common.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(common, 0, all, first.length, common.length);
        return all;
    }
}
