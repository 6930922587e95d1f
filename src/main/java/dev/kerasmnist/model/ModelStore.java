package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kerasmnist.files.AtomicFiles;
import dev.kerasmnist.model.fast.FastPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves and loads models ({@link ModelFiles}): the DL4J zip with updater state, so plain
 * {@code MultiLayerNetwork.load(file, true)} restores it and training can continue; its {@link Provenance}; and the
 * training history as CSV. All three are written in full before any old file is replaced ({@link AtomicFiles}).
 */
public final class ModelStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelStore() {
    }

    /** Saves the model, its provenance and its history CSV. */
    public static void save(MultiLayerNetwork net, Provenance provenance, String historyCsv, ModelFiles files)
            throws IOException {
        Map<Path, AtomicFiles.Writer> all = new LinkedHashMap<>();
        all.put(files.zip(), out -> ModelSerializer.writeModel(net, out, true));
        all.put(files.provenance(), out -> JSON.writeValue(out, provenance));
        all.put(files.history(), out -> out.write(historyCsv.getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.writeAll(all);
    }

    /** Loads a saved model with its updater state, checking it takes 784 pixels and gives 10 classes. */
    public static MultiLayerNetwork load(Path model) throws ModelLoadException {
        MultiLayerNetwork net = loadAnyShape(model);
        String wrongShape = ModelShape.mnistProblem(net);
        if (wrongShape != null) {
            throw new ModelLoadException(model.toAbsolutePath() + " " + wrongShape, null);
        }
        return net;
    }

    private static MultiLayerNetwork loadAnyShape(Path model) throws ModelLoadException {
        if (!Files.isRegularFile(model)) {
            throw new ModelLoadException("no model at " + model.toAbsolutePath()
                    + "; train one with `keras-mnist train` or pass --model", new NoSuchFileException(model.toString()));
        }
        try {
            return FastPath.install(ModelSerializer.restoreMultiLayerNetwork(model.toFile(), true));
        } catch (Exception | LinkageError e) {
            throw new ModelLoadException(model.toAbsolutePath() + " is not a loadable DL4J model (" + e
                    + "); train a new one with `keras-mnist train`", e);
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
            if (format == null || !format.isInt() || format.intValue() != Provenance.FORMAT) {
                throw new ModelLoadException(file + " has format " + format + "; this version of keras-mnist reads"
                        + " format " + Provenance.FORMAT + " (the model zip itself still loads; retrain or re-import"
                        + " to get a current record)", null);
            }
            return JSON.treeToValue(tree, Provenance.class);
        } catch (ModelLoadException e) {
            throw e;
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }
}
