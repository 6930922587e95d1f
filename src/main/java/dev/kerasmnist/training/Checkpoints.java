package dev.kerasmnist.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kerasmnist.files.AtomicFiles;
import dev.kerasmnist.files.Json;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-epoch checkpoints of a training run, in a folder next to the model ({@code mnist-mlp.checkpoints/}):
 * {@code epoch-N.zip} (the network with its updater state) and {@code epoch-N.json} (what is needed to go on:
 * the model and fit settings and the history so far; the shuffling of epoch N+1 follows from the seed).
 *
 * <p>Each file is written atomically and the last {@value #KEEP} epochs are kept, so a corrupt newest checkpoint
 * falls back to the one before it. DL4J's {@code CheckpointListener} saves zips only, non-atomically, and without
 * the state our resume needs; hence this small class.
 */
public final class Checkpoints {
    static final int KEEP = 2;
    private static final String BEST = "best-params.bin";
    private static final Pattern NAME = Pattern.compile("epoch-(\\d+)\\.zip");
    private static final ObjectMapper JSON = Json.mapper();

    private final Path dir;

    public Checkpoints(Path dir) {
        this.dir = dir;
    }

    /** The checkpoint folder of a model file: {@code models/mnist-mlp.zip -> models/mnist-mlp.checkpoints}. */
    public static Checkpoints forModel(ModelFiles model) {
        return new Checkpoints(model.checkpoints());
    }

    public Path dir() {
        return dir;
    }

    /**
     * What a checkpoint carries besides the network.
     *
     * @param recipe the {@link Recipe}'s name (checkpoints written before recipes had none: the tutorial)
     * @param origin  a fine-tuning run's origin (none for a recipe's run)
     */
    public record State(
            int epochsDone,
            ModelSpec model,
            FitSpec fit,
            String historyCsv,
            String recipe,
            Optional<Provenance.Origin> origin) {
        public State {
            origin = origin == null ? Optional.empty() : origin; // missing from older JSON: none
        }

        public State(int epochsDone, ModelSpec model, FitSpec fit, String historyCsv, String recipe) {
            this(epochsDone, model, fit, historyCsv, recipe, Optional.empty());
        }

        public State(int epochsDone, ModelSpec model, FitSpec fit, String historyCsv) {
            this(epochsDone, model, fit, historyCsv, Recipe.TUTORIAL.cliName());
        }

        public History history() {
            return History.fromCsv(historyCsv);
        }

        public Recipe recipeOrTutorial() {
            return recipe == null ? Recipe.TUTORIAL : Recipe.of(recipe);
        }
    }

    /** A loaded checkpoint: its network is a MultiLayerNetwork or a Functional graph's ComputationGraph. */
    public record Checkpoint(Model net, State state, Path file) {}

    /** Saves the state after {@code state.epochsDone()} epochs and drops checkpoints older than the last two. */
    public void save(Model net, State state) throws IOException {
        Files.createDirectories(dir);
        int n = state.epochsDone();
        // The JSON first: a zip is only picked up with its JSON beside it.
        AtomicFiles.write(dir.resolve("epoch-" + n + ".json"), out -> JSON.writeValue(out, state));
        AtomicFiles.write(dir.resolve("epoch-" + n + ".zip"), out -> ModelSerializer.writeModel(net, out, true));
        List<Integer> epochs = epochs();
        for (int i = 0; i < epochs.size() - KEEP; i++) {
            Files.deleteIfExists(dir.resolve("epoch-" + epochs.get(i) + ".zip"));
            Files.deleteIfExists(dir.resolve("epoch-" + epochs.get(i) + ".json"));
        }
    }

    /**
     * The newest checkpoint that loads; a corrupt one is reported on {@code warnings} and skipped for the one
     * before it.
     */
    public Optional<Checkpoint> latest(PrintStream warnings) throws IOException {
        List<Integer> epochs = new ArrayList<>(epochs());
        epochs.sort(Comparator.reverseOrder());
        for (int n : epochs) {
            Path zip = dir.resolve("epoch-" + n + ".zip");
            try {
                State state = JSON.readValue(dir.resolve("epoch-" + n + ".json").toFile(), State.class);
                Model net = ModelStore.restoreAny(zip, state.model().optimizer().epsilonPlacement());
                return Optional.of(new Checkpoint(net, state, zip));
            } catch (Exception e) {
                warnings.println("warning: checkpoint " + zip + " is unreadable (" + e.getMessage()
                        + "); trying the one before it");
            }
        }
        return Optional.empty();
    }

    /**
     * Saves the best epoch's parameters for early stopping ({@code best-params.bin}), before the checkpoint of the
     * epoch that made them best, so that a resumed run can restore them.
     */
    public void saveBest(INDArray params) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(BEST), out -> Nd4j.write(params, new DataOutputStream(out)));
    }

    /** The best parameters saved by {@link #saveBest}, if any. */
    public Optional<INDArray> best() throws IOException {
        Path file = dir.resolve(BEST);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            return Optional.of(Nd4j.read(in));
        }
    }

    /** Whether an earlier, unfinished run left checkpoints here. */
    public boolean exist() throws IOException {
        return !epochs().isEmpty();
    }

    /** Removes the checkpoints (after the final model is saved). */
    public void clear() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** Epoch numbers with a zip, oldest first. */
    List<Integer> epochs() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Integer> epochs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches()) {
                    epochs.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        epochs.sort(Comparator.naturalOrder());
        return epochs;
    }
}
