package dev.kerasmnist.cli;

import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.training.Dashboard;
import dev.kerasmnist.training.FineTuningRun;
import dev.kerasmnist.training.Recipe;
import dev.kerasmnist.training.ResumedRun;
import dev.kerasmnist.training.TrainingRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Trains a recipe's model, evaluates it on the test set and saves it: options in, {@link TrainingRun} out. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a recipe's model (default: the tutorial's, epochs=5, batch_size=128, RMSprop lr=0.001), "
                + "evaluate it on the 10,000 test images and save it.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    DataOptions data = new DataOptions();

    @Mixin
    FitOptions fit = new FitOptions();

    @Option(
            names = "--recipe",
            paramLabel = "NAME",
            description = "What to train: tutorial (default), tuned-mlp "
                    + "(the same layers, with dropout, augmentation and 30 epochs), convnet (the "
                    + "book's first convnet). The other options change a recipe's settings.")
    Recipe recipe = Recipe.TUTORIAL;

    @Option(
            names = "--ui",
            description = "Show DL4J's training dashboard while training, at "
                    + "http://localhost:PORT/train/overview; on a terminal it stays up after training until Enter.")
    boolean ui;

    @Option(names = "--ui-port", paramLabel = "PORT", description = "The dashboard's port (default: ${DEFAULT-VALUE}).")
    int uiPort = Dashboard.DEFAULT_PORT;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = "Where to save the model (default: "
                    + "models/mnist-mlp.zip for the tutorial, models/<recipe>.zip for the others).")
    Path model;

    @Option(
            names = "--from",
            paramLabel = "MODEL",
            description = "Fine-tune a saved model instead of a recipe's,"
                    + " e.g. one from import-keras: its layers and weights, the optimizer its Keras file was compiled with"
                    + " where DL4J has it (RMSprop, Adam, SGD; else RMSprop), Keras's fit defaults unless given. Saved to"
                    + " MODEL-tuned.zip unless --model.")
    Path from;

    @Option(
            names = "--resume",
            description = "Continue an interrupted run from its last checkpoint "
                    + "(next to --model), with its settings; --epochs and --learning-rate may be given to change them.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        run(System.out);
        return 0;
    }

    TrainingRun.Result run(PrintStream out) throws Exception {
        Terminal.warnIfSpinning(out);
        TrainingRun run = configured()
                .output(out, out == System.out && Terminal.interactive())
                .commandLine(Main.commandLine(command))
                .remedyWords(Remedies::words);
        Outputs.requireWritable(Outputs.folderOf(run.savesTo().zip()), "--model");
        try (Dashboard dashboard = ui ? Dashboard.start(uiPort) : null) {
            if (dashboard != null) {
                out.println("Training dashboard: " + dashboard.url());
                run = run.callbacks(dashboard);
            }
            TrainingRun.Result result;
            try {
                result = run.run(data.load(true, out));
            } catch (TrainingRun.SettingException e) {
                throw new ParameterException(command.commandLine(), "invalid option: " + Remedies.line(e));
            }
            out.printf(Locale.ROOT, "test_loss: %.4f%n", result.test().loss());
            out.println(TestResult.comparisonLine(result.test().accuracy()));
            out.printf(
                    Locale.ROOT,
                    "Trained in %.1f s. Saved %s (+ %s, %s)%n",
                    result.history().totalSeconds(),
                    result.model().zip(),
                    result.model().provenance().getFileName(),
                    result.model().history().getFileName());
            result.replaced().ifPresent(r -> out.println(replacedLine(r)));
            if (dashboard != null && System.console() != null && out == System.out) {
                out.println("The dashboard stays at " + dashboard.url() + " until you press Enter.");
                System.console().readLine();
            }
            return result;
        }
    }

    /** {@code Replaced models/mnist-mlp.zip (test_acc 0.9772); the previous model is kept as ...previous.zip}. */
    private static String replacedLine(ModelStore.Replaced r) {
        String score = r.test()
                .map(t -> String.format(Locale.ROOT, "test_acc %.4f", t.accuracy()))
                .orElse("no test_acc recorded");
        return "Replaced " + r.replaced().zip() + " (" + score + "); the previous model is kept as "
                + r.keptAs().zip();
    }

    /** The run the options describe; a bad value is a usage error (exit 2), found before anything slow starts. */
    private TrainingRun configured() {
        Path zip = model != null ? model : recipe.defaultModel();
        try {
            if (from != null) {
                if (resume || given("--recipe") || fit.given("--rmsprop-epsilon")) {
                    throw new IllegalArgumentException("--from fine-tunes the model given; --resume, --recipe and"
                            + " --rmsprop-epsilon do not go with it");
                }
                FineTuningRun run = TrainingRun.fineTune(from).fit(fit.applyTo(FitSpec.keras(fit.seed)));
                run = model != null ? run.saveTo(model) : run;
                return fit.given("--learning-rate") ? run.learningRate(fit.learningRate) : run;
            }
            if (resume) {
                List<String> refused = fit.fixedOnResume();
                if (!refused.isEmpty()) {
                    throw new IllegalArgumentException(String.join(", ", refused) + " cannot change when resuming "
                            + "(they shape every epoch of the run); only --epochs and --learning-rate can. Drop "
                            + "them, or delete " + new ModelFiles(zip).checkpoints() + " and train afresh");
                }
                ResumedRun run = TrainingRun.resume(zip);
                run = given("--recipe") ? run.expectRecipe(recipe) : run;
                run = fit.given("--epochs") ? run.epochs(fit.epochs) : run;
                return fit.given("--learning-rate") ? run.learningRate(fit.learningRate) : run;
            }
            return TrainingRun.fresh(recipe, fit.seed)
                    .saveTo(zip)
                    .fit(fit.applyTo(recipe.fit(fit.seed)))
                    .model(fit.applyTo(recipe.model(fit.seed)));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "invalid option: " + Remedies.line(e));
        }
    }

    private boolean given(String option) {
        return command.commandLine().getParseResult().hasMatchedOption(option);
    }
}
