package dev.kerasmnist.training;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelLoadException;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.ModelSummary;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.model.RmsPropSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A whole training run, as {@code train} does it, for Java: build (or resume), fit with checkpoints after every
 * epoch ({@link BackupAndRestore}), stop on a NaN loss ({@link TerminateOnNaN}), score the test set, and save the
 * model with its {@link Provenance} and history. A Ctrl-C, a kill or a diverged loss leaves the checkpoints and says
 * in one sentence what is on disk and how to go on.
 * <pre>{@code
 * TrainingRun.Result r = TrainingRun.fresh(Recipe.CONVNET, 1).saveTo(Path.of("models/convnet.zip")).run(mnist);
 * TrainingRun.Result more = TrainingRun.resume(Path.of("models/convnet.zip")).epochs(8).run(mnist);
 * }</pre>
 * A new (not resumed) run that finds a model at its path keeps that one as {@link ModelFiles#previous()}.
 * Settings are immutable: each method returns a new run.
 */
public final class TrainingRun {
    /** A run without {@link #output} prints nothing, not even the notice of an interrupted run (a sweep's trial). */
    private static final PrintStream SILENT = new PrintStream(OutputStream.nullOutputStream());
    /** The fresh run's recipe; for a resumed run the recipe it must have, or null for whichever it has. */
    private final Recipe recipe;
    /** The fresh run's model and fit; null when resuming (they come from the checkpoint or provenance). */
    private final ModelSpec model;
    private final FitSpec fit;
    private final ModelFiles files;
    private final boolean resume;
    private final Optional<Integer> epochs;
    private final Optional<Double> learningRate;
    private final PrintStream out;
    private final boolean interactive;
    private final List<Callback> callbacks;
    private final List<String> commandLine;
    /** Recorded in the provenance's origin beside the recipe's name (a sweep names itself and the trial). */
    private final Map<String, String> originDetails;
    /** A fine-tuning run's starting model (an imported one, or any saved model); empty for a recipe's run. */
    private final Optional<Path> from;

    private TrainingRun(Recipe recipe, ModelSpec model, FitSpec fit, ModelFiles files, boolean resume,
                        Optional<Integer> epochs, Optional<Double> learningRate, PrintStream out, boolean interactive,
                        List<Callback> callbacks, List<String> commandLine, Map<String, String> originDetails,
                        Optional<Path> from) {
        this.recipe = recipe;
        this.model = model;
        this.fit = fit;
        this.files = files;
        this.resume = resume;
        this.epochs = epochs;
        this.learningRate = learningRate;
        this.out = out;
        this.interactive = interactive;
        this.callbacks = List.copyOf(callbacks);
        this.commandLine = List.copyOf(commandLine);
        this.originDetails = Map.copyOf(originDetails);
        this.from = from;
    }

    /** A setting that does not fit the run, found once its checkpoint is read (e.g. fewer epochs than done). */
    public static final class SettingException extends IllegalArgumentException {
        SettingException(String message) {
            super(message);
        }
    }

    /**
     * What a run produced. {@code replaced}: the model a new run found at its path, kept as
     * {@link ModelFiles#previous()} (a resumed run continues its model and keeps none).
     */
    public record Result(History history, Validation.Score test, ModelFiles model, Provenance provenance,
                         Optional<ModelStore.Replaced> replaced) {
    }

    /** A new run of {@code recipe}: its model and fit, seeded by {@code seed}, saved to its default model file. */
    public static TrainingRun fresh(Recipe recipe, long seed) {
        return new TrainingRun(recipe, recipe.model(seed), recipe.fit(seed), new ModelFiles(recipe.defaultModel()),
                false, Optional.empty(), Optional.empty(), silent(), false, List.of(), List.of(), Map.of(), Optional.empty());
    }

    /**
     * Continues the run that saves to {@code model}: from its newest checkpoint if it was interrupted, or, if it
     * finished, from the model itself, for more {@link #epochs}. Only the epochs and the learning rate may change.
     */
    public static TrainingRun resume(Path model) {
        return new TrainingRun(null, null, null, new ModelFiles(model), true, Optional.empty(), Optional.empty(),
                silent(), false, List.of(), List.of(), Map.of(), Optional.empty());
    }

    /**
     * Trains a saved model further as a new run, e.g. one from {@code import-keras}: its layers and weights, the
     * optimizer its Keras file was compiled with where DL4J has it ({@link FineTuning}), the fit given
     * ({@link #fit}; Keras's defaults otherwise). Saved to {@code <name>-tuned.zip} unless {@link #saveTo}; the
     * provenance records both origins.
     */
    public static TrainingRun fineTune(Path model) {
        return new TrainingRun(null, null, FitSpec.keras(FitSpec.DEFAULT_SEED),
                new ModelFiles(new ModelFiles(model).sibling("-tuned.zip")), false, Optional.empty(), Optional.empty(),
                silent(), false, List.of(), List.of(), Map.of(), Optional.of(model));
    }

    /** Another model (a fresh run only); the recipe still names the run. */
    public TrainingRun model(ModelSpec spec) {
        requireFresh("the model");
        return new TrainingRun(recipe, spec, fit, files, resume, epochs, learningRate, out, interactive, callbacks,
                commandLine, originDetails, from);
    }

    /** A resumed run must be of {@code expected}: refuses to resume another recipe's run by mistake. */
    public TrainingRun expectRecipe(Recipe expected) {
        return new TrainingRun(expected, model, fit, files, resume, epochs, learningRate, out, interactive, callbacks,
                commandLine, originDetails, from);
    }

    /** Other fit settings (a fresh run only). */
    public TrainingRun fit(FitSpec settings) {
        requireFresh("the fit settings");
        return new TrainingRun(recipe, model, settings, files, resume, epochs, learningRate, out, interactive,
                callbacks, commandLine, originDetails, from);
    }

    /** Where the model is saved, its provenance, history and checkpoints beside it. */
    public TrainingRun saveTo(Path zip) {
        return new TrainingRun(recipe, model, fit, new ModelFiles(zip), resume, epochs, learningRate, out,
                interactive, callbacks, commandLine, originDetails, from);
    }

    /** A resumed run's new total of epochs (Keras's {@code epochs} with {@code initial_epoch}); a fine-tuning run's. */
    public TrainingRun epochs(int total) {
        return new TrainingRun(recipe, model, fit, files, resume, Optional.of(total), learningRate, out, interactive,
                callbacks, commandLine, originDetails, from);
    }

    /**
     * A resumed run's new learning rate, from its next epoch on (the optimiser's state is kept); a fine-tuning run's,
     * instead of its Keras file's.
     */
    public TrainingRun learningRate(double rate) {
        RmsPropSpec.KERAS_DEFAULTS.withLearningRate(rate); // refuses a bad rate now, not after loading
        return new TrainingRun(recipe, model, fit, files, resume, epochs, Optional.of(rate), out, interactive,
                callbacks, commandLine, originDetails, from);
    }

    /** Prints the summary, Keras's progress bar (moving when {@code interactive}) and messages to {@code stream}. */
    public TrainingRun output(PrintStream stream, boolean interactiveBar) {
        return new TrainingRun(recipe, model, fit, files, resume, epochs, learningRate, stream, interactiveBar,
                callbacks, commandLine, originDetails, from);
    }

    /** Callbacks of the caller's, after the run's own (progress, NaN check, early stopping, checkpoints). */
    public TrainingRun callbacks(Callback... more) {
        return new TrainingRun(recipe, model, fit, files, resume, epochs, learningRate, out, interactive,
                List.of(more), commandLine, originDetails, from);
    }

    /** The command line recorded in the provenance. */
    public TrainingRun commandLine(List<String> line) {
        return new TrainingRun(recipe, model, fit, files, resume, epochs, learningRate, out, interactive, callbacks,
                line, originDetails, from);
    }

    /** Details of where the model comes from, kept in its provenance's origin beside the recipe's name. */
    public TrainingRun originDetails(Map<String, String> details) {
        return new TrainingRun(recipe, model, fit, files, resume, epochs, learningRate, out, interactive, callbacks,
                commandLine, details, from);
    }

    /** Where the run saves its model (its checkpoints go beside it). */
    public ModelFiles savesTo() {
        return files;
    }

    /**
     * Trains, scores the test set and saves.
     *
     * @throws IllegalStateException  with a one-line message when the run cannot start or did not finish
     *                                (checkpoints in the way, nothing to resume, interrupted, diverged)
     * @throws SettingException       when a setting does not fit the run (e.g. fewer epochs than done)
     */
    public Result run(Mnist mnist) throws IOException {
        Checkpoints checkpoints = Checkpoints.forModel(files);
        Start start = from.isPresent() ? fineTuned(checkpoints) : resume ? resumed(checkpoints) : fresh(checkpoints);
        FitSpec runFit = start.fit;
        out.print(ModelSummary.of(start.model));
        int examples = runFit.examples(mnist.train().size());
        int trainSize = runFit.splitAt(examples);
        out.printf("Train on %d samples%s (batch_size=%d, epochs=%d, seed=%d), test on %d%n", trainSize,
                examples > trainSize ? ", validate on " + (examples - trainSize) : "", runFit.batchSize(),
                runFit.epochs(), runFit.seed(), mnist.test().size());

        History history = train(start, mnist, checkpoints);
        Validation.Score test = Validation.score(start.net, mnist.test());
        Map<String, String> sums = new TreeMap<>();
        mnist.sha256().forEach((file, sum) -> sums.put(file.fileName(), sum));
        Provenance provenance = new Provenance(Provenance.FORMAT,
                start.origin,
                Optional.of(start.model), Optional.of(new Provenance.Training(runFit, history.epochs().size(),
                trainSize, examples - trainSize, history.totalSeconds())), sums,
                Optional.of(new Provenance.Test(test.loss(), test.accuracy())), Provenance.Build.now(commandLine));
        // A new run never silently replaces a model: the old one stays as <name>.previous.zip.
        Optional<ModelStore.Replaced> replaced = Optional.empty();
        if (resume) {
            ModelStore.save(start.net, provenance, history.toCsv(), files);
        } else {
            replaced = ModelStore.saveKeepingPrevious(start.net, provenance, history.toCsv(), files);
        }
        checkpoints.clear();
        return new Result(history, test, files, provenance, replaced);
    }

    /** Where training starts: the network, the run's settings, the epochs done and what they are. */
    private record Start(Recipe recipe, ModelSpec model, FitSpec fit, MultiLayerNetwork net, History done,
                         boolean fromFinishedModel, Provenance.Origin origin) {
        /** A fine-tuning run's: resumed with --model, not --recipe. */
        boolean fineTuning() {
            return origin.kind() == Provenance.Kind.FINE_TUNED;
        }
    }

    private Provenance.Origin recipeOrigin(Recipe r) {
        return new Provenance.Origin(Provenance.Kind.RECIPE, r.cliName(), originDetails);
    }

    private Start fineTuned(Checkpoints checkpoints) throws IOException {
        if (checkpoints.exist()) {
            throw new IllegalStateException("an interrupted run left checkpoints in " + checkpoints.dir()
                    + ": continue it with `keras-mnist train --resume --model " + files.zip() + "`, or delete that"
                    + " folder to start afresh");
        }
        Path source = from.get();
        MultiLayerNetwork net;
        Provenance p;
        try {
            net = ModelStore.load(source);
            p = ModelStore.readProvenance(new ModelFiles(source));
        } catch (ModelLoadException e) {
            throw new IllegalStateException("cannot fine-tune " + source + ": " + e.getMessage(), e);
        }
        ModelSpec spec = p.model().orElseThrow(() -> new IllegalStateException("cannot fine-tune " + source
                + ": its provenance has no Keras description of its layers; import or train it again"));
        FineTuning.Choice choice = FineTuning.choose(p, spec, learningRate);
        out.println(choice.line());
        FitSpec runFit = epochs.map(fit::epochs).orElse(fit);
        java.util.Map<String, String> details = new java.util.LinkedHashMap<>();
        details.put("from", source.toAbsolutePath().toString());
        details.put("from_kind", p.origin().kind().json());
        p.origin().details().forEach((k, v) -> details.put("from_" + k, v));
        details.put("optimizer", choice.line().replaceFirst("^Fine-tuning with ", ""));
        details.putAll(originDetails);
        return new Start(Recipe.TUTORIAL, choice.spec(), runFit, FineTuning.withUpdater(net, choice.updater(),
                choice.spec().optimizer().epsilonPlacement()), new History(List.of()), false,
                new Provenance.Origin(Provenance.Kind.FINE_TUNED, p.origin().name(), details));
    }

    private Start fresh(Checkpoints checkpoints) throws IOException {
        if (checkpoints.exist()) {
            // A fresh run would mix its epochs with the old run's; never discard the user's work silently.
            throw new IllegalStateException("an interrupted run left checkpoints in " + checkpoints.dir()
                    + ": continue it with `keras-mnist train --resume`, or delete that folder to start afresh");
        }
        return new Start(recipe, model, fit, KerasToDl4j.build(model), new History(List.of()), false,
                recipeOrigin(recipe));
    }

    private Start resumed(Checkpoints checkpoints) throws IOException {
        Optional<Checkpoints.Checkpoint> latest = checkpoints.latest(out);
        boolean finished = latest.isEmpty();
        Checkpoints.Checkpoint c = finished ? finishedRun() : latest.get();
        if (recipe != null && recipe != c.state().recipeOrTutorial()) {
            throw new SettingException("--recipe " + recipe.cliName() + " does not match the run being resumed, "
                    + "which is " + c.state().recipeOrTutorial().cliName());
        }
        History done = c.state().history();
        FitSpec stored = c.state().fit();
        if (epochs.isPresent() && epochs.get() <= done.epochs().size()) {
            throw new SettingException("--epochs " + epochs.get() + " is not more than the "
                    + done.epochs().size() + " epochs already done");
        }
        FitSpec runFit = epochs.map(stored::epochs).orElse(stored);
        ModelSpec spec = c.state().model();
        if (learningRate.isPresent()) {
            spec = spec.withOptimizer(spec.optimizer().withLearningRate(learningRate.get()));
            c.net().setLearningRate(learningRate.get()); // DL4J's own: keeps the RMSprop state
        }
        List<String> changed = new ArrayList<>();
        epochs.ifPresent(n -> changed.add("--epochs " + n));
        learningRate.ifPresent(lr -> changed.add("learning rate " + lr));
        out.printf("Resuming from %s: %d of %d epochs done (settings from the checkpoint%s)%n", c.file(),
                done.epochs().size(), runFit.epochs(), changed.isEmpty() ? "" : ", with " + String.join(" and ",
                        changed));
        return new Start(c.state().recipeOrTutorial(), spec, runFit, c.net(), done, finished,
                c.state().origin().orElse(recipeOrigin(c.state().recipeOrTutorial())));
    }

    /**
     * A finished run's saved model as a checkpoint, so that {@code resume(...).epochs(N)} trains it further (its
     * zip keeps the RMSprop state, its provenance the settings, its CSV the history).
     */
    private Checkpoints.Checkpoint finishedRun() throws IOException {
        if (!Files.isRegularFile(files.zip())) {
            throw new IllegalStateException("nothing to resume: no checkpoint in " + files.checkpoints()
                    + " and no model at " + files.zip() + "; train without --resume");
        }
        try {
            Provenance p = ModelStore.readProvenance(files);
            if (p.training().isEmpty() || p.model().isEmpty()) {
                throw new IllegalStateException(files.zip() + " was not trained here, so it has no run to resume");
            }
            History history = History.fromCsv(Files.readString(files.history()));
            if (epochs.isEmpty()) {
                throw new IllegalStateException("nothing to resume: the run in " + files.zip() + " finished its "
                        + history.epochs().size() + " epochs; add --epochs N (more than that) to train it further");
            }
            return new Checkpoints.Checkpoint(ModelStore.load(files.zip()), new Checkpoints.State(
                    history.epochs().size(), p.model().get(), p.training().get().fit(), history.toCsv(),
                    p.origin().kind() == Provenance.Kind.RECIPE ? p.origin().name() : Recipe.TUTORIAL.cliName(),
                    p.origin().kind() == Provenance.Kind.FINE_TUNED ? Optional.of(p.origin()) : Optional.empty()),
                    files.zip());
        } catch (ModelLoadException e) {
            throw new IllegalStateException("cannot resume from " + files.zip() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fits with the run's callbacks. On Ctrl-C or a kill the JVM's shutdown hook waits for a checkpoint being
     * written, then says what is on disk; divergence says the same.
     */
    private History train(Start start, Mnist mnist, Checkpoints checkpoints) throws IOException {
        History done = start.done;
        // An interrupted run's early stopping goes on where it was: its best val_loss from the history, its best
        // weights from the checkpoint. Training a finished model further is a new fit() call: in Keras the
        // callback starts afresh then.
        EarlyStopping early = start.fit.earlyStopping().map(spec -> done.epochs().isEmpty() || start.fromFinishedModel
                ? new EarlyStopping(spec, out)
                : EarlyStopping.resumed(spec, out, done, best(checkpoints, start.net))).orElse(null);
        BackupAndRestore backup = new BackupAndRestore(checkpoints, soFar -> new Checkpoints.State(
                soFar.epochs().size(), start.model, start.fit, soFar.toCsv(), start.recipe.cliName(),
                start.fineTuning() ? Optional.of(start.origin) : Optional.empty()), done,
                start.fromFinishedModel ? 0 : done.epochs().size(), early);
        List<Callback> all = new ArrayList<>(List.of(new ProgbarLogger(out, interactive), new TerminateOnNaN()));
        if (early != null) {
            all.add(early); // before the checkpoint: it restores the best weights, and they are saved first
        }
        all.add(backup);
        all.addAll(callbacks);
        String resume = "keras-mnist train --resume" + (start.fineTuning() ? " --model " + files.zip()
                : start.recipe == Recipe.TUTORIAL ? "" : " --recipe " + start.recipe.cliName());
        String resumeCommand = "`" + resume + "`";
        InterruptNotice notice = new InterruptNotice(backup, start.fromFinishedModel, resumeCommand);
        Thread hook = new Thread(notice::interrupted, "training-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return done.plus(Trainer.fit(start.net, mnist.train(), start.fit.initialEpoch(done.epochs().size()),
                    all.toArray(Callback[]::new)));
        } catch (TrainingDivergedException e) {
            String lower = BigDecimal.valueOf(start.model.optimizer().learningRate()).movePointLeft(1)
                    .stripTrailingZeros().toString();
            throw new IllegalStateException(e.getMessage() + "; " + notice.whatIsSaved("`" + resume
                    + " --learning-rate " + lower + "`") + " (or check the data is scaled to [0, 1])", e);
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

    private static INDArray best(Checkpoints checkpoints, MultiLayerNetwork net) {
        try {
            return checkpoints.best().orElse(net.params().dup());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one true sentence about an unfinished run, said by the shutdown hook or a divergence. */
    private final class InterruptNotice {
        private final BackupAndRestore backup;
        private final boolean fromFinishedModel;
        private final String resumeCommand;
        private boolean finished;

        InterruptNotice(BackupAndRestore backup, boolean fromFinishedModel, String resumeCommand) {
            this.backup = backup;
            this.fromFinishedModel = fromFinishedModel;
            this.resumeCommand = resumeCommand;
        }

        /** In the shutdown hook: waits for a checkpoint being written (its lock), then says what is saved. */
        void interrupted() {
            synchronized (backup) {
                if (!finished && out != SILENT) {
                    System.err.println(System.lineSeparator() + "interrupted: " + whatIsSaved(resumeCommand));
                }
            }
        }

        void finished() {
            synchronized (backup) {
                finished = true;
            }
        }

        String whatIsSaved(String resumeWith) {
            return TrainingRun.whatIsSaved(backup.epochsSaved(), fromFinishedModel, backup.checkpoints(), files,
                    resumeWith);
        }
    }

    /** What an unfinished run leaves behind, and the way on from it, in one true sentence. */
    public static String whatIsSaved(int epochsCheckpointed, boolean fromFinishedModel, Checkpoints checkpoints,
                              ModelFiles files, String resume) {
        if (epochsCheckpointed == 0) {
            return fromFinishedModel
                    ? files.zip() + " is unchanged and no further epoch was completed: run " + resume
                            + " --epochs N again"
                    : files.zip() + " was not written and no epoch was completed, so nothing was checkpointed: "
                            + "run train again";
        }
        return files.zip() + (fromFinishedModel ? " is unchanged" : " was not written") + "; epochs up to "
                + epochsCheckpointed + " are checkpointed in " + checkpoints.dir() + ": continue with " + resume
                + " (same --model), or delete that folder to start afresh";
    }

    private void requireFresh(String what) {
        if (resume) {
            throw new IllegalStateException(what + " of a resumed run come from its checkpoint");
        }
    }

    private static PrintStream silent() {
        return SILENT;
    }
}
