package dev.kerasmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Step 1 of an import: a Keras model file of any generation read into its config JSON and a source of its weight
 * arrays, nothing translated yet. Nothing is allocated for an array until its shape is known and checked, and a
 * {@code .keras} zip is read through bounds (entry names, entry sizes), so a hostile file is refused, not obeyed.
 *
 * <ul>
 *   <li>Legacy HDF5 ({@code model.save("m.h5")}, Keras 1 to 3): root attributes {@code model_config},
 *       {@code keras_version}, {@code backend}, {@code training_config}; per layer a group
 *       {@code model_weights/<layer name>} whose {@code weight_names} attribute lists its variables in order (their
 *       paths differ by generation: {@code dense/kernel:0}, {@code sequential/dense/kernel},
 *       {@code lstm/lstm_cell/kernel:0}).</li>
 *   <li>Native {@code .keras} (Keras 2.13+ and 3): a zip of {@code config.json}, {@code metadata.json} and
 *       {@code model.weights.h5}, whose variables sit at {@code layers/<class in snake_case, numbered per
 *       class>/vars/<i>} ({@code .../cell/vars/<i>} for an LSTM), whatever the config calls the layers (Keras 2.13:
 *       {@code _layer_checkpoint_dependencies/...}); Keras 2.15 on Windows wrote those paths with backslashes.</li>
 * </ul>
 */
public final class KerasFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    /** No real MNIST model comes near these; a zip entry inflating past them is a zip bomb or a damaged file. */
    static final long MAX_WEIGHTS_BYTES = 512L << 20;

    static final long MAX_JSON_BYTES = 16L << 20;
    private static final int MAX_ZIP_ENTRIES = 64;

    private final Path file;
    private final KerasFormat format;
    private final String kerasVersion;
    private final String backend;
    private final JsonNode model;
    private final JsonNode training;
    private final HdfFile weights;
    private final long weightsBytes;
    /** .keras: every group of model.weights.h5 by its path with '/' separators. */
    private final Map<String, Group> groups = new HashMap<>();

    private KerasFile(
            Path file,
            KerasFormat format,
            String kerasVersion,
            String backend,
            JsonNode model,
            JsonNode training,
            HdfFile weights,
            long weightsBytes) {
        this.file = file;
        this.format = format;
        this.kerasVersion = kerasVersion;
        this.backend = backend;
        this.model = model;
        this.training = training;
        this.weights = weights;
        this.weightsBytes = weightsBytes;
    }

    public KerasFormat format() {
        return format;
    }

    public String kerasVersion() {
        return kerasVersion;
    }

    /** The Keras generation: 1, 2 or 3. */
    public int kerasMajor() {
        try {
            return Integer.parseInt(kerasVersion.trim().split("\\.")[0]);
        } catch (NumberFormatException e) {
            return format == KerasFormat.KERAS3_ZIP ? 3 : 2;
        }
    }

    public String backend() {
        return backend;
    }

    /** The model's config: {@code {"class_name": "Sequential", "config": {...}}}. */
    public JsonNode model() {
        return model;
    }

    /** How the model was compiled (Keras 3 {@code compile_config} or Keras 2 {@code training_config}), or empty. */
    public JsonNode training() {
        return training;
    }

    /**
     * Reads {@code file}'s config; its weights are read later, one checked variable at a time, until {@link #close}
     * (try-with-resources).
     */
    public static KerasFile open(Path file) throws KerasImportException {
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) < ZIP_MAGIC.length) {
                throw new KerasImportException(
                        file + " is empty or too short to be a Keras model; " + KerasImportException.SUPPORTED);
            }
        } catch (KerasImportException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new KerasImportException("no such file: " + file, e);
        } catch (IOException e) {
            throw new KerasImportException("cannot read " + file + " (" + e.getMessage() + ")", e);
        }
        try {
            if (startsWith(head, ZIP_MAGIC)) {
                return openZip(file);
            } else if (startsWith(head, HDF5_MAGIC)) {
                return openHdf5(file);
            }
        } catch (KerasImportException e) {
            throw e;
        } catch (RuntimeException | IOException | StackOverflowError | OutOfMemoryError e) {
            throw new KerasImportException(
                    file + " is damaged or not a Keras model (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                            + "); " + KerasImportException.SUPPORTED,
                    e);
        }
        throw new KerasImportException(
                file + " is neither an HDF5 file nor a .keras zip; " + KerasImportException.SUPPORTED);
    }

    private static KerasFile openHdf5(Path file) throws IOException {
        HdfFile h5 = new HdfFile(file);
        try {
            requireWhole(h5, file.toString());
            String config = stringAttribute(h5, "model_config");
            if (config == null) {
                throw new KerasImportException(file + " has no model_config: it holds weights only (from"
                        + " save_weights), not a model; " + KerasImportException.SUPPORTED);
            }
            String version = stringAttribute(h5, "keras_version");
            String backend = stringAttribute(h5, "backend");
            String training = stringAttribute(h5, "training_config");
            JsonNode model = json(config, file, "model_config");
            int major = version == null ? 1 : majorOf(version);
            KerasFile k = new KerasFile(
                    file,
                    major >= 3 ? KerasFormat.KERAS3_H5 : KerasFormat.KERAS2_H5,
                    version == null ? "1" : version,
                    backend == null ? "unknown" : backend,
                    model,
                    training == null ? JSON.createObjectNode() : json(training, file, "training_config"),
                    h5,
                    Files.size(file));
            return k;
        } catch (IOException | RuntimeException e) {
            h5.close();
            throw e;
        }
    }

    private static KerasFile openZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            int entries = 0;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                long limit = name.endsWith(".json") ? MAX_JSON_BYTES : MAX_WEIGHTS_BYTES;
                if (entry.getSize() > limit) { // the central directory's size; read() also counts what inflates
                    throw new KerasImportException(file + ": " + name + " would inflate to " + entry.getSize()
                            + " bytes, more than the " + limit + " allowed; refused (a zip bomb or a damaged file)");
                }
                if (++entries > MAX_ZIP_ENTRIES) {
                    throw new KerasImportException(
                            file + " has more than " + MAX_ZIP_ENTRIES + " entries; a .keras file has three");
                }
                if (name.startsWith("/")
                        || name.startsWith("\\")
                        || Arrays.asList(name.split("[/\\\\]")).contains("..")) {
                    throw new KerasImportException(file + " has an entry named '" + name + "', outside the archive;"
                            + " refused (nothing is extracted)");
                }
            }
            ZipEntry configEntry = zip.getEntry("config.json");
            if (configEntry == null) {
                throw new KerasImportException(file + " is a zip without config.json, so not a .keras model; "
                        + KerasImportException.SUPPORTED);
            }
            JsonNode config = json(
                    new String(read(zip, configEntry, MAX_JSON_BYTES, file), java.nio.charset.StandardCharsets.UTF_8),
                    file,
                    "config.json");
            ZipEntry metadataEntry = zip.getEntry("metadata.json");
            JsonNode metadata = metadataEntry == null
                    ? JSON.createObjectNode()
                    : json(
                            new String(
                                    read(zip, metadataEntry, MAX_JSON_BYTES, file),
                                    java.nio.charset.StandardCharsets.UTF_8),
                            file,
                            "metadata.json");
            ZipEntry weightsEntry = zip.getEntry("model.weights.h5");
            if (weightsEntry == null) {
                throw new KerasImportException(file + " has no model.weights.h5; " + KerasImportException.SUPPORTED);
            }
            byte[] h5 = read(zip, weightsEntry, MAX_WEIGHTS_BYTES, file);
            HdfFile weights = HdfFile.fromBytes(h5);
            requireWhole(weights, file + ": model.weights.h5");
            String version = metadata.path("keras_version")
                    .asText(config.path("keras_version").asText("3"));
            KerasFile k = new KerasFile(
                    file,
                    KerasFormat.KERAS3_ZIP,
                    version,
                    config.path("backend").asText("unknown"),
                    config,
                    config.path("compile_config"),
                    weights,
                    h5.length);
            k.index(weights, "");
            return k;
        }
    }

    /**
     * Refuses an HDF5 file shorter than its superblock's end-of-file address, as HDF5 itself does ("truncated file"):
     * a file cut after the weights still has them all, but it is not the file Keras wrote.
     */
    private static void requireWhole(HdfFile h5, String what) throws KerasImportException {
        long end = h5.getHdfBackingStorage().getSuperblock().getEndOfFileAddress() + h5.getUserBlockSize();
        long size = h5.getHdfBackingStorage().size();
        if (end > size) {
            throw new KerasImportException(what + " is truncated: its HDF5 superblock says it ends at byte " + end
                    + " but it has " + size + " bytes; copy or save it again");
        }
    }

    /**
     * An entry's bytes, refusing it as soon as it inflates past {@code limit} (whatever its header claims), or when
     * they do not have the CRC-32 the zip records for them (ZipFile itself does not check it).
     */
    private static byte[] read(ZipFile zip, ZipEntry entry, long limit, Path file) throws IOException {
        if (entry.getSize() > limit) {
            throw new KerasImportException(file + ": " + entry.getName() + " would inflate to " + entry.getSize()
                    + " bytes, more than the " + limit + " allowed; refused (a zip bomb or a damaged file)");
        }
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(zip.getInputStream(entry), crc)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > limit) {
                    throw new KerasImportException(file + ": " + entry.getName() + " inflates past " + limit
                            + " bytes; refused (a zip bomb or a damaged file)");
                }
                out.write(buffer, 0, n);
            }
            if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                throw new KerasImportException(String.format(
                        "%s: %s is damaged: its CRC-32 is %08x, not the %08x the"
                                + " zip records; copy or save it again",
                        file, entry.getName(), crc.getValue(), entry.getCrc()));
            }
            return out.toByteArray();
        }
    }

    private void index(Group group, String path) {
        for (Node child : group.getChildren().values()) {
            if (child instanceof Group g) {
                String p = (path.isEmpty() ? "" : path + "/") + child.getName().replace('\\', '/');
                groups.put(p, g);
                index(g, p);
            }
        }
    }

    /** A file whose HDF5 structure breaks while its weights are read (jHDF reads lazily): truncated or damaged. */
    private KerasImportException damaged(Throwable e) {
        return new KerasImportException(
                file + " is damaged (" + e.getClass().getSimpleName() + ": "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); save it again from Keras",
                e);
    }

    /** Reads a variable's values, refusing a damaged dataset in one line. */
    public float[] read(Variable variable) throws KerasImportException {
        try {
            return variable.read();
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw damaged(e);
        }
    }

    /** One stored variable: its name and shape, read only when asked ({@link KerasFile#read}). */
    public record Variable(String name, long[] shape, Dataset dataset) {
        float[] read() {
            Object flat = dataset.getDataFlat();
            if (flat instanceof float[] f) {
                return f;
            }
            int n = Array.getLength(flat);
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = ((Number) Array.get(flat, i)).floatValue();
            }
            return out;
        }
    }

    /**
     * The variables of the layer a legacy .h5 stores as {@code model_weights/<layerName>}, in its
     * {@code weight_names} order.
     */
    public List<Variable> h5Variables(String layerName) throws KerasImportException {
        try {
            return h5VariablesOf(layerName);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) { // jHDF reads lazily
            throw damaged(e);
        }
    }

    private List<Variable> h5VariablesOf(String layerName) throws KerasImportException {
        Node node = find(weights, "model_weights/" + layerName);
        if (node == null) {
            node = find(weights, layerName); // Keras 1 and some Keras 2 files: the layers at the root
        }
        if (!(node instanceof Group group)) {
            return null;
        }
        Attribute names = group.getAttribute("weight_names");
        List<Variable> out = new ArrayList<>();
        if (names == null || names.getData() == null) {
            return out;
        }
        Object data = names.getData();
        for (int i = 0; i < Array.getLength(data); i++) {
            String name = String.valueOf(Array.get(data, i));
            Node n = find(group, name);
            if (!(n instanceof Dataset d)) {
                throw new KerasImportException(
                        file + ": layer '" + layerName + "' lists weight '" + name + "', which the file does not hold");
            }
            out.add(variable(name, d));
        }
        return out;
    }

    /** The variables a .keras stores under {@code path/vars} ({@code layers/conv2d}), in index order, or null. */
    public List<Variable> zipVariables(String path) throws KerasImportException {
        try {
            return zipVariablesOf(path);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw damaged(e);
        }
    }

    private List<Variable> zipVariablesOf(String path) throws KerasImportException {
        Group vars = groups.get(path + "/vars");
        if (vars == null) { // Keras 2.13 named the layers' groups so (Keras 3's H5IOStore reads them alike)
            vars = groups.get(path.replace("layers", "_layer_checkpoint_dependencies") + "/vars");
        }
        if (vars == null) {
            return null;
        }
        List<Variable> out = new ArrayList<>();
        for (int i = 0; vars.getChild(Integer.toString(i)) instanceof Dataset d; i++) {
            out.add(variable(path + "/vars/" + i, d));
        }
        return out;
    }

    private Variable variable(String name, Dataset d) throws KerasImportException {
        int[] dims = d.getDimensions();
        long[] shape = Arrays.stream(dims).asLongStream().toArray();
        // a contiguous, unfiltered dataset cannot hold more than the file; a header claiming so is damaged
        if (d.getFilters().isEmpty() && d.getSizeInBytes() > weightsBytes) {
            throw new KerasImportException(file + ": weight '" + name + "' claims " + d.getSizeInBytes()
                    + " bytes, more than the whole file (" + weightsBytes + "); refused");
        }
        Class<?> type = d.getJavaType();
        if (type != float.class && type != double.class && type != Float.class && type != Double.class) {
            throw new KerasImportException(
                    file + ": weight '" + name + "' holds " + type.getSimpleName() + ", not floats");
        }
        return new Variable(name, shape, d);
    }

    private static Node find(Group group, String path) {
        try {
            return group.getByPath(path);
        } catch (RuntimeException e) { // jHDF: no such path
            return null;
        }
    }

    /** Closes the HDF5 weights (a legacy .h5 keeps its file open while its weights are read lazily). */
    @Override
    public void close() {
        weights.close();
    }

    private static String stringAttribute(Node node, String name) {
        Attribute a = node.getAttribute(name);
        if (a == null) {
            return null;
        }
        Object data = a.getData();
        if (data != null && data.getClass().isArray()) {
            data = Array.getLength(data) == 0 ? null : Array.get(data, 0);
        }
        return data == null
                ? null
                : data instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : data.toString();
    }

    private static JsonNode json(String text, Path file, String what) throws KerasImportException {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new KerasImportException(
                    file + ": " + what + " is not JSON ("
                            + e.getMessage().lines().findFirst().orElse("") + ")",
                    e);
        }
    }

    private static int majorOf(String version) {
        try {
            return Integer.parseInt(version.trim().split("\\.")[0]);
        } catch (NumberFormatException e) {
            return 2;
        }
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
