package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kerasmnist.model.fast.FastPath;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Saves and loads models under {@code models/}: the DL4J zip (with updater state, so plain
 * {@code MultiLayerNetwork.load(file, true)} restores it and training can continue), a JSON {@link ModelSidecar}
 * and the training history as CSV.
 *
 * <p>Every file is written to a temporary file in the same folder and then renamed over the old one, so a crash or a
 * full disk mid-save leaves the previous model intact.
 */
public final class ModelStore {
    public static final Path DEFAULT_MODEL = Path.of("models", "mnist-mlp.zip");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Writes the content of one file. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private ModelStore() {
    }

    public static Path sidecarPath(Path model) {
        return sibling(model, ".json");
    }

    public static Path historyPath(Path model) {
        return sibling(model, ".history.csv");
    }

    /** A file next to the model, named after it: {@code models/mnist-mlp.zip} + {@code .json}. */
    public static Path sibling(Path model, String suffix) {
        return model.resolveSibling(baseName(model) + suffix);
    }

    private static String baseName(Path model) {
        String name = model.getFileName().toString();
        return name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
    }

    /**
     * Saves the model, its sidecar and its history CSV. All three are written in full before any old file is replaced,
     * each by an atomic rename.
     */
    public static void save(MultiLayerNetwork net, ModelSidecar sidecar, String historyCsv, Path model)
            throws IOException {
        Path dir = model.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create folder " + dir + " for the model (" + e + ")", e);
        }
        List<Path[]> staged = new ArrayList<>();
        try {
            staged.add(new Path[] {stage(model, out -> ModelSerializer.writeModel(net, out, true)), model});
            staged.add(new Path[] {stage(sidecarPath(model), out -> JSON.writeValue(out, sidecar)), sidecarPath(model)});
            staged.add(new Path[] {stage(historyPath(model),
                    out -> out.write(historyCsv.getBytes(StandardCharsets.UTF_8))), historyPath(model)});
            for (Path[] pair : staged) {
                move(pair[0], pair[1]);
            }
        } finally {
            for (Path[] pair : staged) {
                Files.deleteIfExists(pair[0]);
            }
        }
    }

    /** Writes {@code target} atomically: its old content stays until the new one is complete. */
    public static void writeAtomically(Path target, Writer writer) throws IOException {
        Path tmp = stage(target, writer);
        try {
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path stage(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new IOException("cannot write into " + dir + " (" + e + "); the previous model is untouched", e);
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
            // Temp files are created owner-only; a saved model should be readable like any file the user writes.
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            writer.writeTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("saving " + target + " failed (" + e.getMessage() + "); the previous file, if any,"
                    + " is untouched", e);
        }
        return tmp;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Loads a saved model with its updater state, checking it takes 784 pixels and gives 10 classes. */
    public static MultiLayerNetwork load(Path model) throws ModelLoadException {
        MultiLayerNetwork net = loadAnyShape(model);
        String wrongShape = mnistShapeProblem(net);
        if (wrongShape != null) {
            throw new ModelLoadException(model.toAbsolutePath() + " " + wrongShape, null);
        }
        return net;
    }

    /** Why {@code net} cannot classify MNIST images (784 inputs, 10 outputs), or null when it can. */
    public static String mnistShapeProblem(MultiLayerNetwork net) {
        if (!(net.getLayer(0).conf().getLayer() instanceof FeedForwardLayer first)
                || !(net.getOutputLayer().conf().getLayer() instanceof FeedForwardLayer last)) {
            return "is not a network of dense layers; an MNIST model takes 784 (28x28) inputs and gives 10";
        }
        if (first.getNIn() != 784 || last.getNOut() != 10) {
            return "takes " + first.getNIn() + " inputs and gives " + last.getNOut()
                    + " outputs; an MNIST model takes 784 (28x28) and gives 10";
        }
        return null;
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

    public static ModelSidecar readSidecar(Path model) throws IOException {
        return JSON.readValue(sidecarPath(model).toFile(), ModelSidecar.class);
    }
}
