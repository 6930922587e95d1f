package dev.kerasmnist.cli;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSidecar;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.ModelSummary;
import dev.kerasmnist.model.RmsPropSpec;
import dev.kerasmnist.training.Checkpoints;
import dev.kerasmnist.training.FitSpec;
import dev.kerasmnist.training.History;
import dev.kerasmnist.training.KerasProgress;
import dev.kerasmnist.training.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Trains the tutorial's model, evaluates it on the test set and saves it. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train the tutorial's model (defaults: epochs=5, batch_size=128, RMSprop lr=0.001), "
                + "evaluate it on the 10,000 test images and save it.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--epochs", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs = FitSpec.TUTORIAL_EPOCHS;

    @Option(names = "--batch-size", description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = FitSpec.TUTORIAL_BATCH_SIZE;

    @Option(names = "--seed", description = "Seeds weight initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = FitSpec.DEFAULT_SEED;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer limit;

    @Option(names = "--learning-rate", description = "RMSprop learning rate (default: ${DEFAULT-VALUE}).")
    double learningRate = RmsPropSpec.KERAS_DEFAULTS.learningRate();

    @Option(names = "--model", paramLabel = "FILE", description = "Where to save the model (default: ${DEFAULT-VALUE}).")
    Path model = ModelStore.DEFAULT_MODEL;

    @Option(names = "--resume", description = "Continue an interrupted run from its last checkpoint "
            + "(next to --model); its settings come from the checkpoint.")
    boolean resume;

    /** What a training run produced. */
    record Report(History history, TestResult test, Path model, ModelSidecar sidecar) {
    }

    @Override
    public Integer call() throws Exception {
        run(System.out);
        return 0;
    }

    Report run(PrintStream out) throws Exception {
        warnIfSpinning(out);
        Checkpoints checkpoints = Checkpoints.forModel(model);
        FitSpec fit;
        ModelSpec spec;
        MultiLayerNetwork net;
        History done;
        if (resume) {
            Checkpoints.Checkpoint c = checkpoints.latest(out).orElseThrow(() -> new IllegalStateException(
                    "nothing to resume: no checkpoint in " + checkpoints.dir() + "; run train without --resume"));
            fit = c.state().fit();
            spec = c.state().model();
            net = c.net();
            done = c.state().history();
            out.printf("Resuming from %s: %d of %d epochs done (settings from the checkpoint)%n", c.file(),
                    done.epochs().size(), fit.epochs());
        } else {
            if (checkpoints.exist()) {
                // A fresh run would mix its epochs with the old run's; never discard the user's work silently.
                throw new IllegalStateException("an interrupted run left checkpoints in " + checkpoints.dir()
                        + ": continue it with `train --resume`, or delete that folder to start afresh");
            }
            // Validate every option before the slow parts start; a bad value is a usage error (exit 2).
            try {
                fit = new FitSpec(epochs, batchSize, seed, limit == null ? FitSpec.ALL : limit);
                spec = ModelSpec.tutorial(seed)
                        .withOptimizer(RmsPropSpec.KERAS_DEFAULTS.withLearningRate(learningRate));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(command.commandLine(), "invalid option: " + e.getMessage());
            }
            net = KerasToDl4j.build(spec);
            done = new History(List.of());
        }

        Mnist mnist = data.load(true, out);
        out.print(ModelSummary.of(net));
        int trainSize = Math.min(fit.limit(), mnist.train().size());
        out.printf("Train on %d samples (batch_size=%d, epochs=%d, seed=%d), test on %d%n", trainSize,
                fit.batchSize(), fit.epochs(), fit.seed(), mnist.test().size());

        History history = trainWithCheckpoints(net, mnist, fit, spec, done, checkpoints, out);
        TestResult test = Evaluator.evaluate(net, mnist.test());
        out.printf(Locale.ROOT, "test_loss: %.4f%n", test.loss());
        out.println(test.comparisonLine());

        Map<String, String> sums = new TreeMap<>();
        mnist.sha256().forEach((file, sum) -> sums.put(file.fileName(), sum));
        ModelSidecar sidecar = new ModelSidecar(ModelSidecar.FORMAT, spec, fit.epochs(), fit.batchSize(), fit.seed(),
                trainSize, history.totalSeconds(), test.loss(), test.accuracy(), TestResult.TUTORIAL_ACCURACY, sums,
                ModelSidecar.DL4J_VERSION, System.getProperty("java.version"),
                OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ModelStore.save(net, sidecar, history.toCsv(), model);
        checkpoints.clear();
        out.printf(Locale.ROOT, "Trained in %.1f s. Saved %s (+ %s, %s)%n", history.totalSeconds(), model,
                ModelStore.sidecarPath(model).getFileName(), ModelStore.historyPath(model).getFileName());
        return new Report(history, test, model, sidecar);
    }

    /**
     * Trains, checkpointing after every epoch. On Ctrl-C or a kill the JVM's shutdown hook waits for a checkpoint
     * being written, then says how to resume.
     */
    private static History trainWithCheckpoints(MultiLayerNetwork net, Mnist mnist, FitSpec fit, ModelSpec spec,
                                                History done, Checkpoints checkpoints, PrintStream out)
            throws IOException {
        Object saving = new Object();
        AtomicBoolean finished = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            synchronized (saving) {
                if (!finished.get()) {
                    System.err.println(System.lineSeparator() + "interrupted: completed epochs are checkpointed in "
                            + checkpoints.dir() + "; continue with `train --resume` (same --model)");
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return Trainer.fit(net, mnist.train(), fit, KerasProgress.forConsole(out), done, (n, soFar) -> {
                synchronized (saving) {
                    checkpoints.save(n, new Checkpoints.State(soFar.epochs().size(), spec, fit, soFar.toCsv()));
                }
            });
        } finally {
            finished.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook runs and finds us finished or not
            }
        }
    }

    static void warnIfSpinning(PrintStream out) {
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            out.println("note: OMP_WAIT_POLICY is not set; set OMP_WAIT_POLICY=PASSIVE before starting Java "
                    + "(the Maven command does) or training runs about 2x slower on few cores.");
        }
    }
}
