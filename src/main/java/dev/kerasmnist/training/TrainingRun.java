package dev.kerasmnist.training;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * A whole training run, as {@code train} does it, for Java: build (or resume), fit with checkpoints after every
 * epoch ({@link BackupAndRestore}), stop on a NaN loss ({@link TerminateOnNaN}), score the test set, and save the
 * model with its {@link Provenance} and history. A Ctrl-C, a kill or a diverged loss leaves the checkpoints and says
 * in one sentence what is on disk and how to go on.
 * <p>
 * A run is one of three kinds, each with only the settings that apply to it: a {@link FreshRun} of a recipe (its
 * model and fit), a {@link ResumedRun} (the run's own settings; only its epochs and learning rate may change) and a
 * {@link FineTuningRun} (a saved model trained further as a new run). What every run has is its {@link RunSettings}.
 * <pre>{@code
 * TrainingRun.Result r = TrainingRun.fresh(Recipe.CONVNET, 1).saveTo(Path.of("models/convnet.zip")).run(mnist);
 * TrainingRun.Result more = TrainingRun.resume(Path.of("models/convnet.zip")).epochs(8).run(mnist);
 * }</pre>
 * A new (not resumed) run that finds a model at its path keeps that one as {@link ModelFiles#previous()}.
 * Settings are immutable: each method returns a new run.
 */
public sealed interface TrainingRun permits FreshRun, ResumedRun, FineTuningRun {
    /** A new run of {@code recipe}: its model and fit, seeded by {@code seed}, saved to its default model file. */
    static FreshRun fresh(Recipe recipe, long seed) {
        return new FreshRun(
                recipe,
                recipe.model(seed),
                recipe.fit(seed),
                new ModelFiles(recipe.defaultModel()),
                Map.of(),
                RunSettings.SILENT);
    }

    /**
     * Continues the run that saves to {@code model}: from its newest checkpoint if it was interrupted, or, if it
     * finished, from the model itself, for more {@link ResumedRun#epochs(int)}.
     */
    static ResumedRun resume(Path model) {
        return new ResumedRun(
                new ModelFiles(model),
                Optional.empty(),
                OptionalInt.empty(),
                OptionalDouble.empty(),
                RunSettings.SILENT);
    }

    /**
     * Trains a saved model further as a new run, e.g. one from {@code import-keras}, with Keras's fit defaults
     * until {@link FineTuningRun#fit}; saved to {@code <name>-tuned.zip} until {@link FineTuningRun#saveTo}.
     */
    static FineTuningRun fineTune(Path model) {
        return new FineTuningRun(
                model,
                FitSpec.keras(FitSpec.DEFAULT_SEED),
                OptionalDouble.empty(),
                new ModelFiles(new ModelFiles(model).sibling("-tuned.zip")),
                Map.of(),
                RunSettings.SILENT);
    }

    /** Where the run saves its model (its checkpoints go beside it). */
    ModelFiles savesTo();

    /** What every run has: where it prints, the caller's callbacks, the command line it records. */
    RunSettings settings();

    /** Prints the summary, Keras's progress bar (moving when {@code interactiveBar}) and messages to {@code stream}. */
    TrainingRun output(PrintStream stream, boolean interactiveBar);

    /** Callbacks of the caller's, after the run's own (progress, NaN check, early stopping, checkpoints). */
    TrainingRun callbacks(Callback... more);

    /** The command line recorded in the provenance. */
    TrainingRun commandLine(List<String> line);

    /** How the notice of an interrupted run words its remedies (the command line: as its flags). */
    TrainingRun remedyWords(Function<List<Remedy>, String> words);

    /**
     * Trains, scores the test set and saves.
     *
     * @throws FailureException       when the run cannot start or did not finish (checkpoints in the way, nothing
     *                                to resume, diverged), with its remedies
     * @throws SettingException       when a setting does not fit the run (e.g. fewer epochs than done)
     */
    Result run(Mnist mnist) throws IOException;

    /** A setting that does not fit the run, found once its checkpoint is read (e.g. fewer epochs than done). */
    final class SettingException extends dev.kerasmnist.failures.SettingException {
        SettingException(String message, Remedy remedy) {
            super(message, List.of(remedy));
        }
    }

    /** What an unfinished run left on disk, in one true sentence, and the ways on from it. */
    record Saved(String sentence, List<Remedy> remedies) {}

    /**
     * What a run produced. {@code replaced}: the model a new run found at its path, kept as
     * {@link ModelFiles#previous()} (a resumed run continues its model and keeps none).
     */
    record Result(
            History history,
            Validation.Score test,
            ModelFiles model,
            Provenance provenance,
            Optional<ModelStore.Replaced> replaced) {}

    /** What an unfinished run leaves behind, and the ways on from it ({@code resume}: the run's own). */
    static Saved whatIsSaved(
            int epochsCheckpointed,
            boolean fromFinishedModel,
            Checkpoints checkpoints,
            ModelFiles files,
            Remedy.Resume resume) {
        if (epochsCheckpointed == 0) {
            return fromFinishedModel
                    ? new Saved(files.zip() + " is unchanged and no further epoch was completed", List.of(resume))
                    : new Saved(
                            files.zip() + " was not written and no epoch was completed, so nothing was "
                                    + "checkpointed: run it again",
                            List.of());
        }
        return new Saved(
                files.zip() + (fromFinishedModel ? " is unchanged" : " was not written") + "; epochs up to "
                        + epochsCheckpointed + " are checkpointed in " + checkpoints.dir(),
                List.of(resume, new Remedy.StartAfresh(checkpoints.dir())));
    }
}
