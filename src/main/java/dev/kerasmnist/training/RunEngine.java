package dev.kerasmnist.training;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.failures.Failure;
import dev.kerasmnist.failures.FailureException;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.ModelSummary;
import dev.kerasmnist.model.Provenance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every kind of {@link TrainingRun} does once it knows where it starts: fit with the run's callbacks and
 * checkpoints, score the test set, save with the provenance, and say what is on disk when it does not finish.
 */
final class RunEngine {
    private RunEngine() {}

    /** Where training starts: the network, the run's settings, the epochs done and what they are. */
    record Start(
            Recipe recipe,
            ModelSpec model,
            FitSpec fit,
            Model net,
            History done,
            boolean fromFinishedModel,
            Provenance.Origin origin) {
        /** A fine-tuning run's: resumed by its model file, not by its recipe. */
        boolean fineTuning() {
            return origin.kind() == Provenance.Kind.FINE_TUNED;
        }
    }

    /**
     * Trains from {@code start}, scores and saves to {@code files}. A resumed run saves over its own model; a new
     * one never silently replaces a model: the old one stays as {@code <name>.previous.zip}.
     */
    static TrainingRun.Result run(
            Start start, boolean resumed, ModelFiles files, RunSettings settings, Mnist mnist, Checkpoints checkpoints)
            throws IOException {
        FitSpec fit = start.fit();
        settings.out().print(ModelSummary.of(start.model()));
        int examples = fit.examples(mnist.train().size());
        int trainSize = fit.splitAt(examples);
        settings.out()
                .printf(
                        "Train on %d samples%s (batch_size=%d, epochs=%d, seed=%d), test on %d%n",
                        trainSize,
                        examples > trainSize ? ", validate on " + (examples - trainSize) : "",
                        fit.batchSize(),
                        fit.epochs(),
                        fit.seed(),
                        mnist.test().size());

        History history = train(start, files, settings, mnist, checkpoints);
        Validation.Score test = Validation.score(start.net(), mnist.test());
        Map<String, String> sums = new TreeMap<>();
        mnist.sha256().forEach((file, sum) -> sums.put(file.fileName(), sum));
        Provenance provenance = new Provenance(
                Provenance.FORMAT,
                start.origin(),
                Optional.of(start.model()),
                Optional.of(new Provenance.Training(
                        fit, history.epochs().size(), trainSize, examples - trainSize, history.totalSeconds())),
                sums,
                Optional.of(new Provenance.Test(test.loss(), test.accuracy())),
                Provenance.Build.now(settings.commandLine()));
        Optional<ModelStore.Replaced> replaced = Optional.empty();
        if (resumed) {
            ModelStore.save(start.net(), provenance, history.toCsv(), files);
        } else {
            replaced = ModelStore.saveKeepingPrevious(start.net(), provenance, history.toCsv(), files);
        }
        checkpoints.clear();
        return new TrainingRun.Result(history, test, files, provenance, replaced);
    }

    /** A checkpoint in the way of a new run: it would mix its epochs with the old run's. */
    static void requireNoCheckpoints(Checkpoints checkpoints, Remedy.Resume continueWith) throws IOException {
        if (checkpoints.exist()) { // never discard the user's work silently
            throw new FailureException(
                    Failure.Kind.INPUT,
                    "an interrupted run left checkpoints in " + checkpoints.dir(),
                    List.of(continueWith, new Remedy.StartAfresh(checkpoints.dir())));
        }
    }

    /** How the run that {@code start} begins is resumed: by its recipe, or a fine-tuning run by its model file. */
    static Remedy.Resume resumeOf(Start start, ModelFiles files) {
        return Remedy.Resume.of(
                files.zip(),
                start.fineTuning()
                        ? Optional.empty()
                        : Optional.of(start.recipe().cliName()));
    }

    /**
     * Fits with the run's callbacks. On Ctrl-C or a kill the JVM's shutdown hook waits for a checkpoint being
     * written, then says what is on disk; divergence says the same.
     */
    private static History train(
            Start start, ModelFiles files, RunSettings settings, Mnist mnist, Checkpoints checkpoints)
            throws IOException {
        History done = start.done();
        // An interrupted run's early stopping goes on where it was: its best val_loss from the history, its best
        // weights from the checkpoint. Training a finished model further is a new fit() call: in Keras the
        // callback starts afresh then.
        EarlyStopping early = start.fit()
                .earlyStopping()
                .map(spec -> done.epochs().isEmpty() || start.fromFinishedModel()
                        ? new EarlyStopping(spec, settings.out())
                        : EarlyStopping.resumed(spec, settings.out(), done, best(checkpoints, start.net())))
                .orElse(null);
        BackupAndRestore backup = new BackupAndRestore(
                checkpoints,
                soFar -> new Checkpoints.State(
                        soFar.epochs().size(),
                        start.model(),
                        start.fit(),
                        soFar.toCsv(),
                        start.recipe().cliName(),
                        start.fineTuning() ? Optional.of(start.origin()) : Optional.empty()),
                done,
                start.fromFinishedModel() ? 0 : done.epochs().size(),
                early);
        List<Callback> all = new ArrayList<>(
                List.of(new ProgbarLogger(settings.out(), settings.interactiveBar()), new TerminateOnNaN()));
        if (early != null) {
            all.add(early); // before the checkpoint: it restores the best weights, and they are saved first
        }
        all.add(backup);
        all.addAll(settings.callbacks());
        Remedy.Resume resume = resumeOf(start, files);
        InterruptNotice notice = new InterruptNotice(backup, start.fromFinishedModel(), resume, files, settings);
        Thread hook = new Thread(notice::interrupted, "training-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return done.plus(Trainer.fit(
                    start.net(),
                    mnist.train(),
                    start.fit().initialEpoch(done.epochs().size()),
                    all.toArray(Callback[]::new)));
        } catch (TrainingDivergedException e) {
            double lower = BigDecimal.valueOf(start.model().optimizer().learningRate())
                    .movePointLeft(1)
                    .doubleValue();
            TrainingRun.Saved saved = notice.whatIsSaved(resume.withLearningRate(lower));
            throw new FailureException(
                    Failure.Kind.SETTING,
                    e.getMessage() + " (is the data scaled to [0, 1]?); " + saved.sentence(),
                    saved.remedies(),
                    e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            notice.finished();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook runs and finds us finished or not
            }
        }
    }

    private static INDArray best(Checkpoints checkpoints, Model net) {
        try {
            return checkpoints.best().orElse(net.params().dup());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one true sentence about an unfinished run, said by the shutdown hook or a divergence. */
    private static final class InterruptNotice {
        private final BackupAndRestore backup;
        private final boolean fromFinishedModel;
        private final Remedy.Resume resume;
        private final ModelFiles files;
        private final RunSettings settings;
        private boolean finished;

        InterruptNotice(
                BackupAndRestore backup,
                boolean fromFinishedModel,
                Remedy.Resume resume,
                ModelFiles files,
                RunSettings settings) {
            this.backup = backup;
            this.fromFinishedModel = fromFinishedModel;
            this.resume = resume;
            this.files = files;
            this.settings = settings;
        }

        /** In the shutdown hook: waits for a checkpoint being written (its lock), then says what is saved. */
        void interrupted() {
            synchronized (backup) {
                if (!finished && !settings.silent()) {
                    TrainingRun.Saved saved = whatIsSaved(resume);
                    System.err.println(System.lineSeparator() + "interrupted: " + saved.sentence()
                            + (saved.remedies().isEmpty()
                                    ? ""
                                    : "; " + settings.remedyWords().apply(saved.remedies())));
                }
            }
        }

        void finished() {
            synchronized (backup) {
                finished = true;
            }
        }

        TrainingRun.Saved whatIsSaved(Remedy.Resume resumeWith) {
            return TrainingRun.whatIsSaved(
                    backup.epochsSaved(), fromFinishedModel, backup.checkpoints(), files, resumeWith);
        }
    }
}
