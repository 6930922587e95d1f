package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.files.AtomicFiles;
import dev.kerasmnist.files.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves and loads models ({@link ModelFiles}): the DL4J zip with updater state, so plain
 * {@code MultiLayerNetwork.load(file, true)} restores it and training can continue; its {@link Provenance}; and the
 * training history as CSV. All three are written in full before any old file is replaced ({@link AtomicFiles}).
 */
public final class ModelStore {
    private static final ObjectMapper JSON = Json.mapper();
    /** The last provenance format that listed the fit settings in {@code training} itself. */
    private static final int FORMAT_2 = 2;

    private ModelStore() {}

    /** Saves the model, its provenance and its history CSV, replacing any model there. */
    public static void save(Model net, Provenance provenance, String historyCsv, ModelFiles files) throws IOException {
        AtomicFiles.writeAll(writers(net, provenance, historyCsv, files));
    }

    /** A model that a save replaced: where it is kept now, and its test score as its provenance recorded it. */
    public record Replaced(ModelFiles replaced, ModelFiles keptAs, Optional<Provenance.Test> test) {}

    /**
     * Saves as {@link #save} does, but an existing model is kept as {@link ModelFiles#previous()} with its sidecars
     * (replacing an older one there), moved only once the new files are written in full.
     *
     * @return the model replaced, if there was one
     */
    public static Optional<Replaced> saveKeepingPrevious(
            Model net, Provenance provenance, String historyCsv, ModelFiles files) throws IOException {
        if (!Files.isRegularFile(files.zip())) {
            save(net, provenance, historyCsv, files);
            return Optional.empty();
        }
        Optional<Provenance.Test> test;
        try {
            test = readProvenance(files).test();
        } catch (ModelLoadException e) {
            test = Optional.empty(); // a missing or unreadable sidecar: the model is kept all the same
        }
        ModelFiles previous = files.previous();
        AtomicFiles.writeAll(
                writers(net, provenance, historyCsv, files),
                Map.of(
                        files.zip(),
                        previous.zip(),
                        files.provenance(),
                        previous.provenance(),
                        files.history(),
                        previous.history()));
        return Optional.of(new Replaced(files, previous, test));
    }

    /**
     * The sidecar's field with the SHA-256 of the zip it was written with: a fact of the pair of files, not of the
     * provenance, so that a zip replaced on its own is told from its model's (serve shows such numbers as unknown).
     */
    public static final String MODEL_SHA256 = "modelSha256";

    private static Map<Path, AtomicFiles.Writer> writers(
            Model net, Provenance provenance, String historyCsv, ModelFiles files) throws IOException {
        java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
        ModelSerializer.writeModel(net, zip, true);
        byte[] bytes = zip.toByteArray();
        ObjectNode sidecar = JSON.valueToTree(provenance);
        sidecar.put(MODEL_SHA256, Mnist.sha256(bytes));
        Map<Path, AtomicFiles.Writer> all = new LinkedHashMap<>();
        all.put(files.zip(), out -> out.write(bytes));
        all.put(files.provenance(), out -> JSON.writeValue(out, sidecar));
        all.put(files.history(), out -> out.write(historyCsv.getBytes(StandardCharsets.UTF_8)));
        return all;
    }

    /**
     * Loads a saved model with its updater state, checking it takes 784 pixels and gives 10 classes. The fast path
     * is installed here, once, with the RMSprop epsilon placement its provenance records (DL4J's own, Keras 2's,
     * when there is none), so that training it further continues its own optimiser.
     */
    public static MultiLayerNetwork load(Path model) throws ModelLoadException {
        requireFile(model);
        if (isGraph(model)) {
            throw new ModelLoadException(
                    model.toAbsolutePath() + " is a Functional graph (a DL4J ComputationGraph):"
                            + " load it with loadTrainable or loadAny",
                    null);
        }
        MultiLayerNetwork net = restore(model, epsilonPlacement(new ModelFiles(model)));
        String wrongShape = ModelShape.mnistProblem(net);
        if (wrongShape != null) {
            throw new ModelLoadException(model.toAbsolutePath() + " " + wrongShape, null);
        }
        return net;
    }

    /**
     * Loads a saved model for inference: a {@link MultiLayerNetwork} as {@link #load}, or a
     * {@link ComputationGraph} (an imported Functional graph, DL4J's stock layers), checked to take 784 pixels and
     * give 10 classes.
     */
    public static Model loadAny(Path model) throws ModelLoadException {
        requireFile(model);
        if (!isGraph(model)) {
            return load(model);
        }
        ComputationGraph graph;
        try {
            graph = ModelSerializer.restoreComputationGraph(model.toFile(), true);
        } catch (Exception | LinkageError e) {
            throw new ModelLoadException(
                    model.toAbsolutePath() + " is not a loadable DL4J model (" + e + ")",
                    e,
                    List.of(new Remedy.ImportAgain()));
        }
        String wrongShape = Networks.mnistProblem(graph);
        if (wrongShape != null) {
            throw new ModelLoadException(model.toAbsolutePath() + " " + wrongShape, null);
        }
        return graph;
    }

    /**
     * Loads a saved model to train further: a {@link MultiLayerNetwork} as {@link #load}, or a
     * {@link ComputationGraph} with its updater state, checked as {@link #loadAny} checks it, a frozen
     * BatchNormalization run as Keras runs it.
     */
    public static Model loadTrainable(Path model) throws ModelLoadException {
        requireFile(model);
        if (!isGraph(model)) {
            return load(model);
        }
        Model graph = restoreAny(model, EpsilonPlacement.OUTSIDE_SQRT);
        String wrongShape = Networks.mnistProblem(graph);
        if (wrongShape != null) {
            throw new ModelLoadException(model.toAbsolutePath() + " " + wrongShape, null);
        }
        return graph;
    }

    /**
     * A DL4J zip of either kind with its updater state: as {@link #restore} for a {@link MultiLayerNetwork}; a
     * {@link ComputationGraph} keeps DL4J's layers and updater (so DL4J's RMSprop, epsilon outside the square root),
     * but for a frozen BatchNormalization.
     */
    public static Model restoreAny(Path zip, EpsilonPlacement epsilon) throws ModelLoadException {
        if (!isGraph(zip)) {
            return restore(zip, epsilon);
        }
        try {
            return FastPathHook.install(ModelSerializer.restoreComputationGraph(zip.toFile(), true));
        } catch (Exception | LinkageError e) {
            throw new ModelLoadException(
                    zip.toAbsolutePath() + " is not a loadable DL4J model (" + e + ")",
                    e,
                    List.of(new Remedy.TrainOrChooseModel()));
        }
    }

    /** Refuses a missing model with the same message wherever one is loaded (evaluate, predict, serve). */
    public static void requireFile(Path model) throws ModelLoadException {
        if (!Files.isRegularFile(model)) {
            throw new ModelLoadException(
                    "no model at " + model.toAbsolutePath(),
                    new NoSuchFileException(model.toString()),
                    List.of(new Remedy.TrainOrChooseModel()));
        }
    }

    /** Whether a DL4J zip holds a ComputationGraph: its configuration has vertices (a MultiLayerNetwork's has confs). */
    private static boolean isGraph(Path model) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(model.toFile())) {
            java.util.zip.ZipEntry conf = zip.getEntry("configuration.json");
            if (conf == null || conf.getSize() > 64L << 20) {
                return false; // not a DL4J zip: load() says so
            }
            JsonNode tree = JSON.readTree(zip.getInputStream(conf));
            return tree.has("vertices");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A DL4J zip (a model or a checkpoint) with its updater state and the fast path installed for {@code epsilon}.
     */
    public static MultiLayerNetwork restore(Path zip, EpsilonPlacement epsilon) throws ModelLoadException {
        try {
            return FastPathHook.install(ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), true), epsilon);
        } catch (Exception | LinkageError e) {
            throw new ModelLoadException(
                    zip.toAbsolutePath() + " is not a loadable DL4J model (" + e + ")",
                    e,
                    List.of(new Remedy.TrainOrChooseModel()));
        }
    }

    /** Where the model's RMSprop adds epsilon, from its provenance; DL4J's placement without one. */
    private static EpsilonPlacement epsilonPlacement(ModelFiles files) {
        if (!Files.isRegularFile(files.provenance())) {
            return EpsilonPlacement.OUTSIDE_SQRT; // a plain DL4J zip: DL4J's own RMSprop
        }
        try {
            Provenance p = readProvenance(files);
            return p.model().map(m -> m.optimizer().epsilonPlacement()).orElse(EpsilonPlacement.OUTSIDE_SQRT);
        } catch (ModelLoadException e) {
            return EpsilonPlacement.OUTSIDE_SQRT; // the zip still loads; its sidecar problem is reported where read
        }
    }

    /**
     * The provenance saved next to a model.
     *
     * @throws ModelLoadException if it is missing, unreadable or of a format this version does not know
     */
    public static Provenance readProvenance(ModelFiles files) throws ModelLoadException {
        Path file = files.provenance();
        try {
            JsonNode tree = JSON.readTree(file.toFile());
            JsonNode format = tree.get("format");
            if (format != null && format.isInt() && format.intValue() == FORMAT_2) {
                tree = fromFormat2(tree);
            } else if (format == null || !format.isInt() || format.intValue() != Provenance.FORMAT) {
                throw new ModelLoadException(
                        file + " has format " + format + "; this version of keras-mnist reads"
                                + " format " + Provenance.FORMAT
                                + " (the model zip itself still loads; retrain or re-import"
                                + " to get a current record)",
                        null);
            }
            ((ObjectNode) tree).remove(MODEL_SHA256);
            return JSON.treeToValue(tree, Provenance.class);
        } catch (ModelLoadException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }

    /** Format 2 listed the fit settings in {@code training}; format 3 embeds the {@link FitSpec} there. */
    private static JsonNode fromFormat2(JsonNode tree) {
        ObjectNode p = ((ObjectNode) tree).put("format", Provenance.FORMAT);
        JsonNode t = p.get("training");
        if (t == null || t.isNull()) {
            return p;
        }
        int validation = t.path("validationExamples").asInt(0);
        ObjectNode fit = JSON.createObjectNode()
                .put("epochs", t.path("epochs").asInt())
                .put("batchSize", t.path("batchSize").asInt())
                .put("seed", t.path("seed").asLong())
                .put("limit", t.path("trainingExamples").asInt() + validation);
        if (t.hasNonNull("validationSplit")) {
            fit.set("validationSplit", t.get("validationSplit"));
        }
        if (t.hasNonNull("earlyStopping")) {
            fit.putObject("earlyStopping").set("patience", t.get("earlyStopping"));
        }
        for (String field : new String[] {"augmentation", "learningRateDecay"}) {
            if (t.hasNonNull(field)) {
                fit.set(field, t.get(field));
            }
        }
        ObjectNode training = JSON.createObjectNode();
        training.set("fit", fit);
        training.put("epochsTrained", t.path("epochs").asInt())
                .put("trainingExamples", t.path("trainingExamples").asInt())
                .put("validationExamples", validation)
                .set("seconds", t.get("seconds"));
        p.set("training", training);
        return p;
    }
}
