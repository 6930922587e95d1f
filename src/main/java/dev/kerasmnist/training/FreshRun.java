package dev.kerasmnist.training;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.Provenance;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A new run of a recipe ({@link TrainingRun#fresh}): its model and fit, either of which may be replaced. The
 * learning rate is the model's optimizer's and the epochs are the fit's, so a fresh run has no setting of its own for
 * them.
 *
 * @param recipe        names the run in its provenance (and its model file by default)
 * @param model         the layers and the optimizer
 * @param fit           Keras's {@code fit()} settings
 * @param savesTo       where the model is saved; one already there is kept as {@link ModelFiles#previous()}
 * @param originDetails recorded in the provenance's origin beside the recipe's name (a sweep names itself and the
 *                      trial)
 * @param settings      what every run has
 */
public record FreshRun(
        Recipe recipe,
        ModelSpec model,
        FitSpec fit,
        ModelFiles savesTo,
        Map<String, String> originDetails,
        RunSettings settings)
        implements TrainingRun {
    public FreshRun {
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(fit, "fit");
        Objects.requireNonNull(savesTo, "savesTo");
        originDetails = Map.copyOf(originDetails);
        Objects.requireNonNull(settings, "settings");
    }

    /** Another model; the recipe still names the run. */
    public FreshRun model(ModelSpec spec) {
        return new FreshRun(recipe, spec, fit, savesTo, originDetails, settings);
    }

    /** Other fit settings. */
    public FreshRun fit(FitSpec spec) {
        return new FreshRun(recipe, model, spec, savesTo, originDetails, settings);
    }

    /** Where the model is saved, its provenance, history and checkpoints beside it. */
    public FreshRun saveTo(Path zip) {
        return new FreshRun(recipe, model, fit, new ModelFiles(zip), originDetails, settings);
    }

    /** Details of where the model comes from, kept in its provenance's origin beside the recipe's name. */
    public FreshRun originDetails(Map<String, String> details) {
        return new FreshRun(recipe, model, fit, savesTo, details, settings);
    }

    @Override
    public FreshRun output(PrintStream stream, boolean interactiveBar) {
        return new FreshRun(recipe, model, fit, savesTo, originDetails, settings.output(stream, interactiveBar));
    }

    @Override
    public FreshRun callbacks(Callback... more) {
        return new FreshRun(recipe, model, fit, savesTo, originDetails, settings.callbacks(more));
    }

    @Override
    public FreshRun commandLine(List<String> line) {
        return new FreshRun(recipe, model, fit, savesTo, originDetails, settings.commandLine(line));
    }

    @Override
    public FreshRun remedyWords(Function<List<Remedy>, String> words) {
        return new FreshRun(recipe, model, fit, savesTo, originDetails, settings.remedyWords(words));
    }

    @Override
    public Result run(Mnist mnist) throws IOException {
        Checkpoints checkpoints = Checkpoints.forModel(savesTo);
        RunEngine.requireNoCheckpoints(checkpoints, Remedy.Resume.of(savesTo.zip(), Optional.of(recipe.cliName())));
        RunEngine.Start start = new RunEngine.Start(
                recipe,
                model,
                fit,
                KerasToDl4j.build(model),
                new History(List.of()),
                false,
                new Provenance.Origin(Provenance.Kind.RECIPE, recipe.cliName(), originDetails));
        return RunEngine.run(start, false, savesTo, settings, mnist, checkpoints);
    }
}
