package dev.kerasmnist.training;

import dev.kerasmnist.data.Mnist;
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
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A saved model trained further as a new run ({@link TrainingRun#fineTune}), e.g. one from {@code import-keras}: its
 * layers and weights, the optimizer its Keras file was compiled with where DL4J has it ({@link FineTuning}), the fit
 * given. Its model is the saved one, so there is no other to give. The provenance records both origins.
 *
 * @param from          the saved model it starts from
 * @param fit           Keras's {@code fit()} settings, epochs included
 * @param learningRate  instead of its Keras file's, or empty for the file's
 * @param savesTo       where the tuned model is saved; one already there is kept as {@link ModelFiles#previous()}
 * @param originDetails recorded in the provenance's origin beside where the model came from
 * @param settings      what every run has
 */
public record FineTuningRun(
        Path from,
        FitSpec fit,
        OptionalDouble learningRate,
        ModelFiles savesTo,
        Map<String, String> originDetails,
        RunSettings settings)
        implements TrainingRun {
    public FineTuningRun {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(fit, "fit");
        learningRate.ifPresent(RmsPropSpec.KERAS_DEFAULTS::withLearningRate); // refuses a bad rate before loading
        Objects.requireNonNull(savesTo, "savesTo");
        originDetails = Map.copyOf(originDetails);
        Objects.requireNonNull(settings, "settings");
    }

    /** Other fit settings (Keras's defaults until given). */
    public FineTuningRun fit(FitSpec spec) {
        return new FineTuningRun(from, spec, learningRate, savesTo, originDetails, settings);
    }

    /** A learning rate instead of the Keras file's. */
    public FineTuningRun learningRate(double rate) {
        return new FineTuningRun(from, fit, OptionalDouble.of(rate), savesTo, originDetails, settings);
    }

    /** Where the tuned model is saved, its provenance, history and checkpoints beside it. */
    public FineTuningRun saveTo(Path zip) {
        return new FineTuningRun(from, fit, learningRate, new ModelFiles(zip), originDetails, settings);
    }

    /** Details of where the model comes from, kept in its provenance's origin. */
    public FineTuningRun originDetails(Map<String, String> details) {
        return new FineTuningRun(from, fit, learningRate, savesTo, details, settings);
    }

    @Override
    public FineTuningRun output(PrintStream stream, boolean interactiveBar) {
        return new FineTuningRun(
                from, fit, learningRate, savesTo, originDetails, settings.output(stream, interactiveBar));
    }

    @Override
    public FineTuningRun callbacks(Callback... more) {
        return new FineTuningRun(from, fit, learningRate, savesTo, originDetails, settings.callbacks(more));
    }

    @Override
    public FineTuningRun commandLine(List<String> line) {
        return new FineTuningRun(from, fit, learningRate, savesTo, originDetails, settings.commandLine(line));
    }

    @Override
    public FineTuningRun remedyWords(Function<List<Remedy>, String> words) {
        return new FineTuningRun(from, fit, learningRate, savesTo, originDetails, settings.remedyWords(words));
    }

    @Override
    public Result run(Mnist mnist) throws IOException {
        Checkpoints checkpoints = Checkpoints.forModel(savesTo);
        RunEngine.requireNoCheckpoints(checkpoints, Remedy.Resume.of(savesTo.zip(), Optional.empty()));
        Model net;
        Provenance p;
        try {
            net = ModelStore.loadTrainable(from);
            p = ModelStore.readProvenance(new ModelFiles(from));
        } catch (ModelLoadException e) {
            throw new IllegalStateException("cannot fine-tune " + from + ": " + e.getMessage(), e);
        }
        ModelSpec spec = p.model()
                .orElseThrow(() -> new IllegalStateException("cannot fine-tune " + from
                        + ": its provenance has no Keras description of its layers; import or train it again"));
        FineTuning.Choice choice = FineTuning.choose(
                p,
                spec,
                learningRate,
                net instanceof MultiLayerNetwork
                        && org.nd4j.linalg.factory.Nd4j.getEnvironment().isCPU());
        settings.out().println(choice.line());
        Provenance.Origin origin = p.origin();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("from", from.toAbsolutePath().toString());
        details.put("from_kind", origin.kind().json());
        origin.details().forEach((k, v) -> details.put("from_" + k, v));
        details.put("optimizer", choice.line().replaceFirst("^Fine-tuning with ", ""));
        details.putAll(originDetails);
        RunEngine.Start start = new RunEngine.Start(
                Recipe.TUTORIAL,
                choice.spec(),
                fit,
                FineTuning.withUpdater(
                        net, choice.updater(), choice.spec().optimizer().epsilonPlacement()),
                new History(List.of()),
                false,
                new Provenance.Origin(Provenance.Kind.FINE_TUNED, origin.name(), details));
        return RunEngine.run(start, false, savesTo, settings, mnist, checkpoints);
    }
}
