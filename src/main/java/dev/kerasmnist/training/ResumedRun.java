package dev.kerasmnist.training;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.failures.Failure;
import dev.kerasmnist.failures.FailureException;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelLoadException;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.model.RmsPropSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * A run continued ({@link TrainingRun#resume}): from its newest checkpoint if it was interrupted, or, if it finished,
 * from the model itself, for more {@link #epochs}. Its model and fit come from the checkpoint (or the model's
 * provenance), so only the epochs and the learning rate may change. It saves over its own model.
 *
 * @param savesTo        the run's model; its checkpoints are beside it
 * @param expectedRecipe the recipe the run must be of, or empty for whichever it is
 * @param epochs         the new total of epochs (Keras's {@code epochs} with {@code initial_epoch}), or empty for the
 *                       run's own
 * @param learningRate   the new learning rate from the next epoch on (the optimizer's state is kept), or empty for
 *                       the run's own
 * @param settings       what every run has
 */
public record ResumedRun(
        ModelFiles savesTo,
        Optional<Recipe> expectedRecipe,
        OptionalInt epochs,
        OptionalDouble learningRate,
        RunSettings settings)
        implements TrainingRun {
    public ResumedRun {
        Objects.requireNonNull(savesTo, "savesTo");
        Objects.requireNonNull(expectedRecipe, "expectedRecipe");
        Objects.requireNonNull(epochs, "epochs");
        if (epochs.isPresent() && epochs.getAsInt() < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, not " + epochs.getAsInt());
        }
        // refuses a bad rate now, not after the checkpoint is loaded
        learningRate.ifPresent(RmsPropSpec.KERAS_DEFAULTS::withLearningRate);
        Objects.requireNonNull(settings, "settings");
    }

    /** Refuses to resume another recipe's run by mistake. */
    public ResumedRun expectRecipe(Recipe expected) {
        return new ResumedRun(savesTo, Optional.of(expected), epochs, learningRate, settings);
    }

    /** The run's new total of epochs: more than it has done. */
    public ResumedRun epochs(int total) {
        return new ResumedRun(savesTo, expectedRecipe, OptionalInt.of(total), learningRate, settings);
    }

    /** The run's new learning rate, from its next epoch on; the optimizer's state is kept. */
    public ResumedRun learningRate(double rate) {
        return new ResumedRun(savesTo, expectedRecipe, epochs, OptionalDouble.of(rate), settings);
    }

    @Override
    public ResumedRun output(PrintStream stream, boolean interactiveBar) {
        return new ResumedRun(savesTo, expectedRecipe, epochs, learningRate, settings.output(stream, interactiveBar));
    }

    @Override
    public ResumedRun callbacks(Callback... more) {
        return new ResumedRun(savesTo, expectedRecipe, epochs, learningRate, settings.callbacks(more));
    }

    @Override
    public ResumedRun commandLine(List<String> line) {
        return new ResumedRun(savesTo, expectedRecipe, epochs, learningRate, settings.commandLine(line));
    }

    @Override
    public ResumedRun remedyWords(Function<List<Remedy>, String> words) {
        return new ResumedRun(savesTo, expectedRecipe, epochs, learningRate, settings.remedyWords(words));
    }

    @Override
    public Result run(Mnist mnist) throws IOException {
        Checkpoints checkpoints = Checkpoints.forModel(savesTo);
        Optional<Checkpoints.Checkpoint> latest = checkpoints.latest(settings.out());
        boolean finished = latest.isEmpty();
        Checkpoints.Checkpoint c = finished ? finishedRun() : latest.get();
        Recipe recipe = c.state().recipeOrTutorial();
        if (expectedRecipe.isPresent() && expectedRecipe.get() != recipe) {
            throw new SettingException(
                    "recipe " + expectedRecipe.get().cliName() + " does not match the run being resumed, which is "
                            + recipe.cliName(),
                    new Remedy.RecipeOfTheRun(recipe.cliName()));
        }
        History done = c.state().history();
        FitSpec stored = c.state().fit();
        if (epochs.isPresent() && epochs.getAsInt() <= done.epochs().size()) {
            throw new SettingException(
                    epochs.getAsInt() + " epochs in all is not more than the "
                            + done.epochs().size() + " epochs already done",
                    new Remedy.MoreEpochs(done.epochs().size()));
        }
        FitSpec fit = epochs.isPresent() ? stored.epochs(epochs.getAsInt()) : stored;
        ModelSpec spec = c.state().model();
        if (learningRate.isPresent()) {
            spec = spec.withOptimizer(spec.optimizer().withLearningRate(learningRate.getAsDouble()));
            Trainable.setLearningRate(c.net(), learningRate.getAsDouble()); // DL4J's own: keeps the RMSprop state
        }
        List<String> changed = new ArrayList<>();
        epochs.ifPresent(n -> changed.add(n + " epochs in all"));
        learningRate.ifPresent(lr -> changed.add("learning rate " + lr));
        settings.out()
                .printf(
                        "Resuming from %s: %d of %d epochs done (settings from the checkpoint%s)%n",
                        c.file(),
                        done.epochs().size(),
                        fit.epochs(),
                        changed.isEmpty() ? "" : ", with " + String.join(" and ", changed));
        RunEngine.Start start = new RunEngine.Start(
                recipe,
                spec,
                fit,
                c.net(),
                done,
                finished,
                c.state().origin().orElse(new Provenance.Origin(Provenance.Kind.RECIPE, recipe.cliName(), Map.of())));
        return RunEngine.run(start, true, savesTo, settings, mnist, checkpoints);
    }

    /**
     * A finished run's saved model as a checkpoint, so that {@code resume(...).epochs(N)} trains it further (its
     * zip keeps the RMSprop state, its provenance the settings, its CSV the history).
     */
    private Checkpoints.Checkpoint finishedRun() throws IOException {
        if (!Files.isRegularFile(savesTo.zip())) {
            throw new FailureException(
                    Failure.Kind.INPUT,
                    "nothing to resume: no checkpoint in " + savesTo.checkpoints() + " and no model at "
                            + savesTo.zip(),
                    List.of(new Remedy.TrainAfresh()));
        }
        try {
            Provenance p = ModelStore.readProvenance(savesTo);
            if (p.training().isEmpty() || p.model().isEmpty()) {
                throw new IllegalStateException(savesTo.zip() + " was not trained here, so it has no run to resume");
            }
            History history = History.fromCsv(Files.readString(savesTo.history()));
            if (epochs.isEmpty()) {
                throw new FailureException(
                        Failure.Kind.SETTING,
                        "nothing to resume: the run in " + savesTo.zip() + " finished its "
                                + history.epochs().size() + " epochs",
                        List.of(new Remedy.MoreEpochs(history.epochs().size())));
            }
            return new Checkpoints.Checkpoint(
                    ModelStore.loadTrainable(savesTo.zip()),
                    new Checkpoints.State(
                            history.epochs().size(),
                            p.model().get(),
                            p.training().get().fit(),
                            history.toCsv(),
                            p.origin().kind() == Provenance.Kind.RECIPE
                                    ? p.origin().name()
                                    : Recipe.TUTORIAL.cliName(),
                            p.origin().kind() == Provenance.Kind.FINE_TUNED
                                    ? Optional.of(p.origin())
                                    : Optional.empty()),
                    savesTo.zip());
        } catch (ModelLoadException e) {
            throw new IllegalStateException("cannot resume from " + savesTo.zip() + ": " + e.getMessage(), e);
        }
    }
}
