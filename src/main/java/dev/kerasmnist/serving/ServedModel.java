package dev.kerasmnist.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.Prediction;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelLoadException;
import dev.kerasmnist.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model a server serves under {@code /v1/models/{name}}, reloadable: a new file is swapped in only once it loads,
 * passes the shape check and has answered a first prediction (on the configured engine); until then, and if it fails, the old one keeps
 * serving and the reason is kept for {@code GET /v1/models}. Requests in flight finish on the model they started on.
 */
final class ServedModel {
    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /** What one loaded file serves with. */
    private record Loaded(Predictor predictor, ObjectNode id, ObjectNode sidecar, String engine) {}

    private final String name;
    private final Path file;
    private final ServeConfig config;
    private final IntConsumer batchSizes;
    private final ObjectMapper json;
    private volatile Loaded current;
    private volatile String lastReload = "not reloaded";
    private volatile String lastError;

    private ServedModel(String name, Path file, ServeConfig config, IntConsumer batchSizes, ObjectMapper json) {
        this.name = name;
        this.file = file;
        this.config = config;
        this.batchSizes = batchSizes;
        this.json = json;
    }

    /** The model at {@code file}, named after it ({@code models/convnet.zip} is {@code convnet}). */
    static ServedModel open(Path file, ServeConfig config, IntConsumer batchSizes, ObjectMapper json)
            throws IOException {
        String fileName = file.getFileName().toString();
        String name = fileName.endsWith(".zip") ? fileName.substring(0, fileName.length() - 4) : fileName;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a served model's file name must be letters, digits, '.', '_' or '-' "
                    + "(it becomes /v1/models/NAME), not '" + fileName + "'");
        }
        ServedModel model = new ServedModel(name, file, config, batchSizes, json);
        model.current = model.load();
        return model;
    }

    String name() {
        return name;
    }

    /**
     * Predictions and the {@code {"file", "sha256"}} of the model that computed them, taken from the same loaded
     * model: a reload between the two cannot make an answer name another model.
     */
    record Answer(List<Prediction> predictions, ObjectNode model) {}

    /** Predicts with the model served now; one replaced while the request waited hands it to its successor. */
    Answer predict(List<float[]> images) throws InterruptedException {
        while (true) {
            Loaded loaded = current;
            try {
                return new Answer(loaded.predictor().predict(images), loaded.id());
            } catch (Predictor.ClosedException e) {
                if (current == loaded) {
                    throw new Predictor.ServerBusyException("the server is shutting down", "stopping");
                }
            }
        }
    }

    /**
     * Loads the file again and, if it loads and fits, serves it from now on.
     *
     * @return whether the new file is served
     */
    synchronized boolean reload() {
        String at = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        try {
            Loaded fresh = load();
            Loaded old = current;
            current = fresh;
            old.predictor().close(); // what it has queued still finishes
            lastReload = "reloaded at " + at;
            lastError = null;
            LOG.info(
                    "model {} reloaded from {} (sha256 {})",
                    name,
                    file,
                    fresh.id().get("sha256").asText());
            return true;
        } catch (IOException | RuntimeException e) {
            lastReload = "reload failed at " + at + "; still serving the previous file";
            lastError = e.getMessage();
            LOG.warn(
                    "model {}: reload from {} failed, still serving the previous file: {}", name, file, e.getMessage());
            return false;
        }
    }

    /** {@code {"file", "sha256"}}: what every answer names. */
    ObjectNode id() {
        return current.id();
    }

    /** The model's name, file, SHA-256, provenance and last reload, as {@code GET /v1/models} lists it. */
    ObjectNode describe() {
        Loaded loaded = current;
        ObjectNode info = json.createObjectNode().put("name", name);
        info.setAll(loaded.id());
        info.put("engine", loaded.engine());
        info.set("sidecar", loaded.sidecar());
        info.put("reload", lastReload);
        if (lastError != null) {
            info.put("reload_error", lastError);
        }
        return info;
    }

    /** What runs the forward passes of the model served now. */
    String engine() {
        return current.engine();
    }

    int queueDepth() {
        return current.predictor().queueDepth();
    }

    void close() {
        current.predictor().close();
    }

    /**
     * Why the sidecar does not describe this zip, or null. A sidecar that records the zip's SHA-256 is checked
     * against it; one that does not (this version's) is trusted only if it was written after the zip, as every save
     * writes them: a zip replaced on its own (copied over) is newer than its sidecar, whose numbers are another
     * model's.
     */
    private static String staleSidecar(ModelFiles files, String sha256) throws IOException {
        JsonNode recorded = json(files.provenance()).path("modelSha256");
        if (recorded.isTextual()) {
            return recorded.asText().equalsIgnoreCase(sha256)
                    ? null
                    : "the sidecar " + files.provenance().getFileName() + " records SHA-256 " + recorded.asText()
                            + ", not this zip's: its numbers are "
                            + "unknown for this model (train or import it again to get a matching one)";
        }
        if (Files.getLastModifiedTime(files.zip()).compareTo(Files.getLastModifiedTime(files.provenance())) > 0) {
            return "the zip is newer than its sidecar " + files.provenance().getFileName() + " (replaced on its "
                    + "own?): its numbers are unknown for this model (train or import it again to get a matching one)";
        }
        return null;
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    private Loaded load() throws IOException {
        ModelStore.requireFile(file);
        byte[] bytes = Files.readAllBytes(file); // the id of the file as loaded: train and import-keras replace it
        ObjectNode id = json.createObjectNode()
                .put("file", file.getFileName().toString())
                .put("sha256", Mnist.sha256(bytes));
        ObjectNode sidecar;
        ModelFiles files = new ModelFiles(file);
        try {
            sidecar = json.valueToTree(ModelStore.readProvenance(files));
            String stale = staleSidecar(files, id.get("sha256").asText());
            if (stale != null) {
                LOG.warn("model {}: {}", name, stale);
                sidecar = json.createObjectNode().put("note", stale);
            }
        } catch (ModelLoadException e) {
            sidecar = json.createObjectNode().put("note", e.getMessage());
        }
        DigitClassifier classifier = DigitClassifier.load(file, config.engine());
        try {
            classifier.predict(new float[784]); // the first forward pass allocates: do it before it serves anyone
        } catch (RuntimeException e) {
            classifier.close();
            throw e;
        }
        Predictor predictor = config.batching()
                ? new BatchingPredictor(classifier, config.maxBatch(), config.maxWait(), batchSizes)
                : Predictor.direct(classifier, batchSizes);
        return new Loaded(predictor, id, sidecar, classifier.engine());
    }
}
