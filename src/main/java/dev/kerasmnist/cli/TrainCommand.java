package dev.kerasmnist.cli;

import dev.kerasmnist.data.Augmentation;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.ModelSummary;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.model.RmsPropSpec;
import dev.kerasmnist.model.fast.FastPath;
import dev.kerasmnist.training.Checkpoints;
import dev.kerasmnist.training.Dashboard;
import dev.kerasmnist.training.EarlyStopping;
import dev.kerasmnist.training.FitSpec;
import dev.kerasmnist.training.History;
import dev.kerasmnist.training.KerasProgress;
import dev.kerasmnist.training.Recipe;
import dev.kerasmnist.training.Trainer;
import dev.kerasmnist.training.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** Trains the tutorial's model, evaluates it on the test set and saves it. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a recipe's model (default: the tutorial's, epochs=5, batch_size=128, RMSprop lr=0.001), "
                + "evaluate it on the 10,000 test images and save it.")
final class TrainCommand implements Callable<Integer> {
    /** The options a resumed run may change; the others must match the checkpoint. */
    private static final List<String> CHANGEABLE_ON_RESUME = List.of("--epochs", "--learning-rate");

    @Spec
    CommandSpec command;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--recipe", paramLabel = "NAME", description = "What to train: tutorial (default), tuned-mlp "
            + "(the same layers, with dropout, augmentation and 30 epochs), convnet (the "
            + "book's first convnet). The other options change a recipe's settings.",
            converter = RecipeConverter.class)
    Recipe recipe = Recipe.TUTORIAL;

    @Option(names = "--epochs", description = "Epochs (default: ${DEFAULT-VALUE}, or the recipe's). With --resume: "
            + "the total to reach, which may extend a finished or interrupted run, as Keras's initial_epoch does.")
    int epochs = FitSpec.TUTORIAL_EPOCHS;

    @Option(names = "--batch-size", description = "Mini-batch size (default: ${DEFAULT-VALUE}, or the recipe's).")
    int batchSize = FitSpec.TUTORIAL_BATCH_SIZE;

    @Option(names = "--seed", description = "Seeds weight initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = FitSpec.DEFAULT_SEED;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer limit;

    @Option(names = "--learning-rate", description = "RMSprop learning rate (default: ${DEFAULT-VALUE}). "
            + "With --resume: replaces the checkpoint's from the next epoch on.")
    double learningRate = RmsPropSpec.KERAS_DEFAULTS.learningRate();

    @Option(names = "--rmsprop-epsilon", paramLabel = "PLACE",
            description = "Where RMSprop adds epsilon: OUTSIDE_SQRT, lr*g/(sqrt(a)+eps) as Keras 2.0-2.10, the "
                    + "tutorial and DL4J (default); or INSIDE_SQRT, lr*g/sqrt(a+eps) as Keras 2.11+ and Keras 3.")
    EpsilonPlacement epsilonPlacement = RmsPropSpec.KERAS_DEFAULTS.epsilonPlacement();

    @Option(names = "--validation-split", paramLabel = "F", description = "Keras's validation_split: hold out the "
            + "last fraction F of the training set (before shuffling) and report val_loss and val_accuracy after "
            + "each epoch (default: none).")
    double validationSplit = FitSpec.NO_VALIDATION;

    @Option(names = "--early-stopping", paramLabel = "PATIENCE", description = "Keras's EarlyStopping(monitor="
            + "'val_loss', patience=PATIENCE, restore_best_weights=True); needs --validation-split.")
    Integer earlyStopping;

    @Option(names = "--augment", negatable = true, description = "Distort training images afresh each epoch (shifts "
            + "up to 2 px, rotations up to 10 degrees, zoom 0.9..1.1); default: the recipe's (tuned-mlp: on).")
    Boolean augment;

    @Option(names = "--learning-rate-decay", paramLabel = "F", description = "Multiply the learning rate by F before "
            + "every epoch after the first (Keras's LearningRateScheduler); default: none.")
    Double learningRateDecay;

    @Option(names = "--ui", description = "Show DL4J's training dashboard while training, at "
            + "http://localhost:PORT/train/overview; on a terminal it stays up after training until Enter.")
    boolean ui;

    @Option(names = "--ui-port", paramLabel = "PORT", description = "The dashboard's port (default: ${DEFAULT-VALUE}).")
    int uiPort = Dashboard.DEFAULT_PORT;

    @Option(names = "--model", paramLabel = "FILE", description = "Where to save the model (default: "
            + "models/mnist-mlp.zip for the tutorial, models/<recipe>.zip for the others).")
    Path model; // default: the recipe's (Recipe.defaultModel)

    @Option(names = "--resume", description = "Continue an interrupted run from its last checkpoint "
            + "(next to --model), with its settings; --epochs and --learning-rate may be given to change them.")
    boolean resume;

    /** What a training run produced. */
    record Report(History history, TestResult test, ModelFiles model, Provenance provenance) {
    }

    @Override
    public Integer call() throws Exception {
        run(System.out);
        return 0;
    }

    Report run(PrintStream out) throws Exception {
        warnIfSpinning(out);
        if (model == null) {
            model = recipe.defaultModel();
        }
        ModelFiles files = new ModelFiles(model);
        Checkpoints checkpoints = Checkpoints.forModel(files);
        FitSpec fit;
        ModelSpec spec;
        MultiLayerNetwork net;
        History done;
        if (resume) {
            Checkpoints.Checkpoint c = checkpoints.latest(out).orElseGet(() -> finishedRun(files));
            done = c.state().history();
            if (given("--recipe") && recipe != c.state().recipeOrTutorial()) {
                throw new ParameterException(command.commandLine(), "invalid option: --recipe " + recipe.cliName()
                        + " does not match the run being resumed, which is " + c.state().recipeOrTutorial().cliName());
            }
            recipe = c.state().recipeOrTutorial();
            fit = resumedFit(c.state().fit(), done.epochs().size());
            spec = c.state().model();
            if (given("--learning-rate")) {
                try {
                    spec = spec.withOptimizer(spec.optimizer().withLearningRate(learningRate));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(command.commandLine(), "invalid option: " + e.getMessage());
                }
                c.net().setLearningRate(learningRate); // DL4J's own: keeps the RMSprop state
            }
            net = FastPath.install(c.net(), spec.optimizer().epsilonPlacement());
            out.printf("Resuming from %s: %d of %d epochs done (settings from the checkpoint%s)%n", c.file(),
                    done.epochs().size(), fit.epochs(), changes(spec));
        } else {
            if (checkpoints.exist()) {
                // A fresh run would mix its epochs with the old run's; never discard the user's work silently.
                throw new IllegalStateException("an interrupted run left checkpoints in " + checkpoints.dir()
                        + ": continue it with `keras-mnist train --resume`, or delete that folder to start afresh");
            }
            // Validate every option before the slow parts start; a bad value is a usage error (exit 2).
            try {
                FitSpec defaults = recipe.fit(seed);
                fit = new FitSpec(given("--epochs") ? epochs : defaults.epochs(),
                        given("--batch-size") ? batchSize : defaults.batchSize(), seed,
                        limit == null ? FitSpec.ALL : limit,
                        given("--validation-split") ? validationSplit : defaults.validationSplit(),
                        given("--early-stopping") ? earlyStopping : defaults.earlyStopping(),
                        augment == null ? defaults.augmentation() : augment ? Augmentation.MNIST_DEFAULT : null,
                        given("--learning-rate-decay") ? learningRateDecay : defaults.learningRateDecay());
                spec = recipe.model(seed);
                RmsPropSpec rms = spec.optimizer();
                spec = spec.withOptimizer(rms.withLearningRate(given("--learning-rate") ? learningRate
                        : rms.learningRate()).withEpsilonPlacement(given("--rmsprop-epsilon") ? epsilonPlacement
                        : rms.epsilonPlacement()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(command.commandLine(), "invalid option: " + e.getMessage());
            }
            net = KerasToDl4j.build(spec);
            done = new History(List.of());
        }

        Mnist mnist = data.load(true, out);
        out.print(ModelSummary.of(net));
        int trainSize = fit.splitAt(Math.min(fit.limit(), mnist.train().size()));
        int validationSize = Math.min(fit.limit(), mnist.train().size()) - trainSize;
        out.printf("Train on %d samples%s (batch_size=%d, epochs=%d, seed=%d), test on %d%n", trainSize,
                validationSize > 0 ? ", validate on " + validationSize : "", fit.batchSize(), fit.epochs(),
                fit.seed(), mnist.test().size());

        Dashboard dashboard = ui ? Dashboard.start(uiPort) : null;
        try {
            if (dashboard != null) {
                net.addListeners(dashboard.listener());
                out.println("Training dashboard: " + dashboard.url());
            }
            Report report = trainEvaluateSave(net, mnist, fit, spec, done, checkpoints, files, out, trainSize,
                    validationSize);
            if (dashboard != null && System.console() != null && out == System.out) {
                out.println("The dashboard stays at " + dashboard.url() + " until you press Enter.");
                System.console().readLine();
            }
            return report;
        } finally {
            if (dashboard != null) {
                dashboard.close();
            }
        }
    }

    private Report trainEvaluateSave(MultiLayerNetwork net, Mnist mnist, FitSpec fit, ModelSpec spec, History done,
            Checkpoints checkpoints, ModelFiles files, PrintStream out, int trainSize, int validationSize)
            throws IOException {
        History history = trainWithCheckpoints(net, mnist, fit, spec, recipe, done, checkpoints, files, out,
                resume && !checkpoints.exist());
        net.setListeners(new ArrayList<>()); // e.g. the dashboard's: the saved model carries none
        TestResult test = Evaluator.evaluate(net, mnist.test());
        out.printf(Locale.ROOT, "test_loss: %.4f%n", test.loss());
        out.println(test.comparisonLine());

        Map<String, String> sums = new TreeMap<>();
        mnist.sha256().forEach((file, sum) -> sums.put(file.fileName(), sum));
        Provenance provenance = new Provenance(Provenance.FORMAT, Provenance.Origin.recipe(recipe.cliName()), spec,
                new Provenance.Training(history.epochs().size(), fit.batchSize(), fit.seed(), trainSize,
                        history.totalSeconds(), validationSize > 0 ? fit.validationSplit() : null,
                        validationSize > 0 ? validationSize : null, fit.earlyStopping(), fit.augmentation(),
                        fit.learningRateDecay()),
                sums, new Provenance.Test(test.loss(), test.accuracy()),
                Provenance.Build.now(commandLine()));
        ModelStore.save(net, provenance, history.toCsv(), files);
        checkpoints.clear();
        out.printf(Locale.ROOT, "Trained in %.1f s. Saved %s (+ %s, %s)%n", history.totalSeconds(), model,
                files.provenance().getFileName(), files.history().getFileName());
        return new Report(history, test, files, provenance);
    }

    /**
     * A finished run's saved model as a checkpoint, so that {@code --resume --epochs N} trains it further (its zip
     * keeps the RMSprop state, its provenance the settings, its CSV the history).
     */
    private Checkpoints.Checkpoint finishedRun(ModelFiles files) {
        if (!java.nio.file.Files.isRegularFile(files.zip())) {
            throw new IllegalStateException("nothing to resume: no checkpoint in " + Checkpoints.forModel(files).dir()
                    + " and no model at " + files.zip() + "; train without --resume");
        }
        try {
            Provenance p = ModelStore.readProvenance(files);
            if (p.training() == null || p.model() == null) {
                throw new IllegalStateException(files.zip() + " was not trained here, so it has no run to resume");
            }
            History history = History.fromCsv(java.nio.file.Files.readString(files.history()));
            if (!given("--epochs")) {
                throw new IllegalStateException("nothing to resume: the run in " + files.zip() + " finished its "
                        + history.epochs().size() + " epochs; add --epochs N (more than that) to train it further");
            }
            Provenance.Training t = p.training();
            double split = t.validationSplit() == null ? FitSpec.NO_VALIDATION : t.validationSplit();
            // the same training and validation examples as the finished run
            int limit = t.trainingExamples() + (t.validationExamples() == null ? 0 : t.validationExamples());
            FitSpec fit = new FitSpec(t.epochs(), t.batchSize(), t.seed(), limit, split, t.earlyStopping(),
                    t.augmentation(), t.learningRateDecay());
            return new Checkpoints.Checkpoint(ModelStore.load(files.zip()),
                    new Checkpoints.State(history.epochs().size(), p.model(), fit, history.toCsv(),
                            p.origin().name()), files.zip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot resume from " + files.zip() + ": " + e.getMessage(), e);
        }
    }

    /** The checkpoint's fit settings, with --epochs applied; any other contradicting option is refused. */
    private FitSpec resumedFit(FitSpec stored, int epochsDone) {
        List<String> refused = new ArrayList<>();
        ParseResult parsed = command.commandLine().getParseResult();
        for (String option : List.of("--batch-size", "--seed", "--limit", "--rmsprop-epsilon",
                "--validation-split", "--early-stopping", "--augment", "--no-augment", "--learning-rate-decay")) {
            if (parsed.hasMatchedOption(option)) {
                refused.add(option);
            }
        }
        if (!refused.isEmpty()) {
            throw new ParameterException(command.commandLine(), "invalid option: " + String.join(", ", refused)
                    + " cannot change when resuming (they shape every epoch of the run); only "
                    + String.join(" and ", CHANGEABLE_ON_RESUME) + " can. Drop them, or delete "
                    + Checkpoints.forModel(new ModelFiles(model)).dir() + " and train afresh");
        }
        if (!given("--epochs")) {
            return stored;
        }
        if (epochs <= epochsDone) {
            throw new ParameterException(command.commandLine(), "invalid option: --epochs " + epochs
                    + " is not more than the " + epochsDone + " epochs already done");
        }
        return stored.withEpochs(epochs);
    }

    private boolean given(String option) {
        return command.commandLine().getParseResult().hasMatchedOption(option);
    }

    private String changes(ModelSpec spec) {
        List<String> changed = new ArrayList<>();
        if (given("--epochs")) {
            changed.add("--epochs " + epochs);
        }
        if (given("--learning-rate")) {
            changed.add("learning rate " + spec.optimizer().learningRate());
        }
        return changed.isEmpty() ? "" : ", with " + String.join(" and ", changed);
    }

    private List<String> commandLine() {
        List<String> line = new ArrayList<>(List.of("keras-mnist")); // the parse result starts at the command
        line.addAll(command.commandLine().getParseResult().originalArgs());
        return line;
    }

    /**
     * Trains, checkpointing after every epoch. On Ctrl-C or a kill the JVM's shutdown hook waits for a checkpoint
     * being written, then says what is on disk; divergence says the same.
     */
    private static History trainWithCheckpoints(MultiLayerNetwork net, Mnist mnist, FitSpec fit, ModelSpec spec,
                                                Recipe recipe,
                                                History done, Checkpoints checkpoints, ModelFiles files,
                                                PrintStream out, boolean fromFinishedModel) throws IOException {
        // A recipe's default model is found again only with its --recipe
        String recipeOption = recipe == Recipe.TUTORIAL ? "" : " --recipe " + recipe.cliName();
        Object saving = new Object();
        // Epochs that a checkpoint on disk holds (a finished model resumed holds its own in its zip)
        AtomicInteger checkpointed = new AtomicInteger(fromFinishedModel ? 0 : done.epochs().size());
        boolean[] finished = {false};
        Thread hook = new Thread(() -> {
            synchronized (saving) {
                if (!finished[0]) {
                    System.err.println(System.lineSeparator() + "interrupted: " + whatIsSaved(checkpointed.get(),
                            fromFinishedModel, checkpoints, files, "`keras-mnist train --resume" + recipeOption + "`"));
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            // An interrupted run's early stopping goes on where it was: its best val_loss from the history, its best
            // weights from the checkpoint. Training a finished model further is a new fit() call: in Keras the
            // callback starts afresh then.
            EarlyStopping early = fit.earlyStopping() == null ? null : done.epochs().isEmpty() || fromFinishedModel
                    ? new EarlyStopping(fit.earlyStopping())
                    : EarlyStopping.resumed(fit.earlyStopping(), done, checkpoints.best().orElse(net.params().dup()));
            KerasProgress progress = new KerasProgress(out, out == System.out && Terminal.interactive());
            return Trainer.fit(net, mnist.train(), fit, progress, done, early, (n, soFar) -> {
                synchronized (saving) {
                    if (early != null && early.bestEpoch() == soFar.last().epoch()) {
                        checkpoints.saveBest(early.bestParams());
                    }
                    checkpoints.save(n, new Checkpoints.State(soFar.epochs().size(), spec, fit, soFar.toCsv(),
                            recipe.cliName()));
                    checkpointed.set(soFar.epochs().size());
                }
            });
        } catch (TrainingDivergedException e) {
            throw new IllegalStateException(e.getMessage() + "; " + whatIsSaved(checkpointed.get(),
                    fromFinishedModel, checkpoints, files, "`keras-mnist train --resume" + recipeOption + " --learning-rate "
                            + java.math.BigDecimal.valueOf(spec.optimizer().learningRate())
                            .divide(java.math.BigDecimal.TEN).stripTrailingZeros() + "`")
                            + " (or check the data is scaled to [0, 1])",
                    e);
        } finally {
            synchronized (saving) {
                finished[0] = true;
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook runs and finds us finished or not
            }
        }
    }

    /** What an unfinished run leaves behind, and the way on from it, in one true sentence. */
    static String whatIsSaved(int epochsCheckpointed, boolean fromFinishedModel, Checkpoints checkpoints,
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

    static void warnIfSpinning(PrintStream out) {
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            out.println("note: OMP_WAIT_POLICY is not set; set OMP_WAIT_POLICY=PASSIVE before starting Java "
                    + "(bin/keras-mnist and the Maven command do) or training runs about 2x slower on few cores.");
        }
    }

    /** {@code --recipe tuned-mlp}: recipes by their command-line names. */
    static final class RecipeConverter implements picocli.CommandLine.ITypeConverter<Recipe> {
        @Override
        public Recipe convert(String value) {
            return Recipe.of(value);
        }
    }
}
