package dev.kerasmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kerasmnist.model.KerasActivation;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.ModelShape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads a Keras model file into a DL4J {@link MultiLayerNetwork} for MNIST.
 *
 * <ul>
 *   <li>Keras 1/2 HDF5 Sequential models: DL4J's {@code KerasModelImport}. (It refuses Keras 3 files: "Keras major
 *       version has to be either 1 or 2 (3 provided)" for .h5, "H5Fopen failed" for .keras.)</li>
 *   <li>Keras 3 files, and single-chain Functional models of any generation: the config JSON is translated here
 *       layer by layer ({@code batch_shape}/{@code batch_input_shape}, DTypePolicy objects and the module/
 *       registered_name wrappers are read through) and the weights are read with DL4J's {@link Hdf5Archive}: in
 *       an .h5 under {@code model_weights/<layer name>/.../<variable>}, in a .keras zip under
 *       {@code layers/<snake_case class name, numbered per class>/vars/<i>} of {@code model.weights.h5}, as
 *       Keras's {@code legacy_h5_format.py} and {@code saving_lib.py} write them.</li>
 * </ul>
 */
public final class KerasImport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private KerasImport() {
    }

    /**
     * A model read from a Keras file.
     *
     * @param layers the original Keras layers, e.g. {@code Dense(16, relu)}
     */
    public record Imported(MultiLayerNetwork net, KerasFormat format, String kerasVersion, String backend,
                           List<String> layers) {
    }

    /** Reads {@code file} into a stock DL4J network that takes 784 pixels to 10 classes. */
    public static Imported read(Path file) throws KerasImportException {
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, head.length);
            if (n < ZIP_MAGIC.length) {
                throw new KerasImportException(file + " is empty or too short to be a Keras model; "
                        + KerasImportException.SUPPORTED);
            }
        } catch (KerasImportException e) {
            throw e;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KerasImportException("no such file: " + file, e);
        } catch (IOException e) {
            throw new KerasImportException("cannot read " + file + " (" + e.getMessage() + ")", e);
        }
        Imported imported;
        if (startsWith(head, ZIP_MAGIC)) {
            imported = readKerasZip(file);
        } else if (startsWith(head, HDF5_MAGIC)) {
            imported = readHdf5(file);
        } else {
            throw new KerasImportException(file + " is neither an HDF5 file nor a .keras zip; "
                    + KerasImportException.SUPPORTED);
        }
        String wrongShape = ModelShape.mnistProblem(imported.net());
        if (wrongShape != null) {
            throw new KerasImportException(file + ": the model " + wrongShape);
        }
        return imported;
    }

    private static Imported readHdf5(Path file) throws KerasImportException {
        Hdf5Archive archive = open(file);
        try {
            String version = archive.hasAttribute("keras_version") ? archive.readAttributeAsString("keras_version")
                    : "1";
            String backend = archive.hasAttribute("backend") ? archive.readAttributeAsString("backend") : "unknown";
            if (!archive.hasAttribute("model_config")) {
                throw new KerasImportException(file + " has no model_config: it holds weights only (from"
                        + " save_weights), not a model; " + KerasImportException.SUPPORTED);
            }
            JsonNode config = parse(archive.readAttributeAsJson("model_config"), file);
            int major = major(version);
            if (major < 3 && "Sequential".equals(config.path("class_name").asText())) {
                MultiLayerNetwork net = importWithDl4j(file, version);
                return new Imported(net, KerasFormat.KERAS2_H5, version, backend, describe(layers(config, file)));
            }
            List<JsonNode> layers = layers(config, file);
            WeightSource weights = (layer, className, variable, index) ->
                    findDataSet(archive, variable, "model_weights", layer);
            MultiLayerNetwork net = build(layers, weights, lossOf(config), file);
            return new Imported(net, major < 3 ? KerasFormat.KERAS2_H5 : KerasFormat.KERAS3_H5, version, backend,
                    describe(layers));
        } catch (org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException e) {
            throw new KerasImportException(file + ": unreadable Keras attributes (" + e.getMessage() + "); "
                    + KerasImportException.SUPPORTED, e);
        } finally {
            archive.close();
        }
    }

    private static MultiLayerNetwork importWithDl4j(Path file, String version) throws KerasImportException {
        try {
            return KerasModelImport.importKerasSequentialModelAndWeights(file.toString(), false);
        } catch (Exception | LinkageError e) {
            throw new KerasImportException(file + " (Keras " + version + "): DL4J's Keras importer cannot read it ("
                    + e.getMessage() + "); " + KerasImportException.SUPPORTED, e);
        }
    }

    private static Imported readKerasZip(Path file) throws KerasImportException {
        Path weightsFile = null;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry configEntry = zip.getEntry("config.json");
            if (configEntry == null) {
                throw new KerasImportException(file + " is a zip without config.json, so not a .keras model; "
                        + KerasImportException.SUPPORTED);
            }
            JsonNode config = JSON.readTree(zip.getInputStream(configEntry));
            ZipEntry metadataEntry = zip.getEntry("metadata.json");
            JsonNode metadata = metadataEntry == null ? JSON.createObjectNode()
                    : JSON.readTree(zip.getInputStream(metadataEntry));
            ZipEntry weightsEntry = zip.getEntry("model.weights.h5");
            if (weightsEntry == null) {
                throw new KerasImportException(file + " has no model.weights.h5; " + KerasImportException.SUPPORTED);
            }
            // HDF5 reads files, not streams
            weightsFile = Files.createTempFile("keras-weights", ".h5");
            try (InputStream in = zip.getInputStream(weightsEntry)) {
                Files.copy(in, weightsFile, StandardCopyOption.REPLACE_EXISTING);
            }
            Hdf5Archive archive = open(weightsFile);
            try {
                List<JsonNode> layers = layers(config, file);
                Map<String, String> pathOf = varPaths(layers);
                WeightSource weights = (layer, className, variable, index) ->
                        archive.readDataSet(Integer.toString(index), "layers", pathOf.get(layer), "vars");
                MultiLayerNetwork net = build(layers, weights, lossOf(config), file);
                return new Imported(net, KerasFormat.KERAS3_ZIP, metadata.path("keras_version").asText("3"),
                        "unknown", describe(layers));
            } finally {
                archive.close();
            }
        } catch (KerasImportException e) {
            throw e;
        } catch (IOException e) {
            throw new KerasImportException(file + " is not a readable .keras zip (" + e.getMessage() + "); "
                    + KerasImportException.SUPPORTED, e);
        } finally {
            if (weightsFile != null) {
                try {
                    Files.deleteIfExists(weightsFile);
                } catch (IOException ignored) {
                    // a temporary file; the OS cleans its folder
                }
            }
        }
    }

    /**
     * saving_lib names each layer's variables by its class in snake_case, numbered per class in layer order
     * ({@code dense}, {@code dense_1}, ...), not by the layer's own name.
     */
    private static Map<String, String> varPaths(List<JsonNode> layers) {
        Map<String, Integer> used = new HashMap<>();
        Map<String, String> paths = new HashMap<>();
        for (JsonNode layer : layers) {
            String snake = snakeCase(layer.path("class_name").asText());
            int n = used.merge(snake, 1, Integer::sum) - 1;
            paths.put(name(layer), n == 0 ? snake : snake + "_" + n);
        }
        return paths;
    }

    static String snakeCase(String className) {
        return className.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("([A-Z])([A-Z][a-z])", "$1_$2")
                .toLowerCase();
    }

    /** The model's layers in order; a Functional model must be one chain from its input to its output. */
    private static List<JsonNode> layers(JsonNode model, Path file) throws KerasImportException {
        String className = model.path("class_name").asText();
        JsonNode config = model.path("config");
        JsonNode layers = config.isArray() ? config : config.path("layers"); // Keras 1 Sequential: a bare list
        if (!layers.isArray() || layers.isEmpty()) {
            throw new KerasImportException(file + ": the model config has no layers; " + KerasImportException.SUPPORTED);
        }
        List<JsonNode> list = new ArrayList<>();
        layers.forEach(list::add);
        if ("Functional".equals(className) || "Model".equals(className)) {
            String previous = null;
            for (JsonNode layer : list) {
                JsonNode inbound = layer.path("inbound_nodes");
                List<String> sources = new ArrayList<>();
                inbound.findValues("keras_history").forEach(h -> sources.add(h.get(0).asText()));
                if (sources.isEmpty() && inbound.isArray()) {
                    // Keras 2 nodes: [[["dense", 0, 0, {}]]]
                    inbound.forEach(n -> n.forEach(t -> { if (t.isArray() && t.size() > 0) sources.add(t.get(0).asText()); }));
                }
                boolean chained = previous == null ? sources.isEmpty() : sources.equals(List.of(previous));
                if (!chained) {
                    throw new KerasImportException(file + ": layer '" + name(layer) + "' takes " + sources
                            + ", so the Functional model is not a single chain; " + KerasImportException.SUPPORTED);
                }
                previous = name(layer);
            }
        } else if (!"Sequential".equals(className)) {
            throw new KerasImportException(file + ": a " + className + " model; " + KerasImportException.SUPPORTED);
        }
        return list;
    }

    private static String name(JsonNode layer) {
        String name = layer.path("config").path("name").asText("");
        return name.isEmpty() ? layer.path("name").asText() : name;
    }

    /** Reads one variable of one layer. */
    @FunctionalInterface
    private interface WeightSource {
        INDArray read(String layer, String className, String variable, int index) throws Exception;
    }

    /** Translates the layers into DL4J's and copies the weights in, checking every shape against the config. */
    private static MultiLayerNetwork build(List<JsonNode> layers, WeightSource weights, KerasLoss loss, Path file)
            throws KerasImportException {
        NeuralNetConfiguration.ListBuilder builder = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .list();
        List<Integer> params = new ArrayList<>(); // per DL4J layer: index of its Keras layer with weights, or -1
        long[] shape = null;
        for (int k = 0; k < layers.size(); k++) {
            JsonNode layer = layers.get(k);
            String kind = layer.path("class_name").asText();
            JsonNode c = layer.path("config");
            long[] declared = declaredShape(c);
            if (declared != null && shape == null) {
                shape = declared;
            }
            boolean last = k == layers.size() - 1;
            switch (kind) {
                case "InputLayer" -> {
                    if (declared == null) {
                        throw unsupported(file, layer, "an InputLayer without batch_shape");
                    }
                }
                case "Flatten", "Reshape" -> {
                    requireShape(file, layer, shape);
                    if ("Reshape".equals(kind) && !(c.path("target_shape").size() == 1)) {
                        throw unsupported(file, layer, "a Reshape to " + c.path("target_shape") + " (only to a flat"
                                + " vector)");
                    }
                    shape = new long[] {product(shape)};
                }
                case "Dense" -> {
                    requireShape(file, layer, shape);
                    if (shape.length != 1) {
                        throw unsupported(file, layer, "a Dense layer on a " + shape.length + "-D input (add a Flatten)");
                    }
                    int units = c.path("units").asInt();
                    KerasActivation activation = activation(file, layer, c.path("activation"));
                    if (!c.path("use_bias").asBoolean(true)) {
                        throw unsupported(file, layer, "a Dense layer without bias");
                    }
                    if (last) {
                        builder.layer(new OutputLayer.Builder(loss.dl4j(units)).nIn(shape[0]).nOut(units)
                                .activation(activation.dl4j()).name(name(layer)).build());
                    } else {
                        builder.layer(new DenseLayer.Builder().nIn(shape[0]).nOut(units).activation(activation.dl4j())
                                .name(name(layer)).build());
                    }
                    params.add(k);
                    shape = new long[] {units};
                }
                case "Activation" -> {
                    builder.layer(new ActivationLayer.Builder().activation(activation(file, layer,
                            c.path("activation")).dl4j()).name(name(layer)).build());
                    params.add(-1);
                }
                case "Dropout" -> {
                    // Keras's rate is the fraction dropped; DL4J's argument the fraction kept. Inference is identity.
                    builder.layer(new DropoutLayer.Builder(1 - c.path("rate").asDouble()).name(name(layer)).build());
                    params.add(-1);
                }
                case "BatchNormalization" -> {
                    requireShape(file, layer, shape);
                    int axis = c.path("axis").isArray() ? c.path("axis").get(0).asInt() : c.path("axis").asInt(-1);
                    if (shape.length != 1 || !(axis == -1 || axis == 1) || !c.path("center").asBoolean(true)
                            || !c.path("scale").asBoolean(true)) {
                        throw unsupported(file, layer, "a BatchNormalization other than over the features of a flat"
                                + " input with center and scale");
                    }
                    builder.layer(new BatchNormalization.Builder().nIn(shape[0]).nOut(shape[0])
                            .eps(c.path("epsilon").asDouble(1e-3)).decay(c.path("momentum").asDouble(0.99))
                            .useLogStd(false).name(name(layer)).build());
                    params.add(k);
                }
                case "Lambda" -> throw new KerasImportException(file + ": layer '" + name(layer) + "' is a Lambda"
                        + " layer (Python code, which cannot be imported); " + KerasImportException.SUPPORTED);
                default -> {
                    // Keras 3 names the module of every layer; built-in ones live in keras.*
                    boolean custom = !layer.path("module").asText("keras").startsWith("keras");
                    throw new KerasImportException(file + ": layer '" + name(layer) + "' is "
                            + (custom ? "a custom layer (" + kind + ")" : "a " + kind)
                            + ", which this importer does not support; " + KerasImportException.SUPPORTED);
                }
            }
        }
        if (params.stream().allMatch(k -> k < 0)) {
            throw new KerasImportException(file + ": the model has no layers with weights; "
                    + KerasImportException.SUPPORTED);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(builder.build());
        net.init();
        for (int i = 0; i < params.size(); i++) {
            int k = params.get(i);
            if (k < 0) {
                continue;
            }
            JsonNode layer = layers.get(k);
            String kind = layer.path("class_name").asText();
            String[] variables = "Dense".equals(kind) ? new String[] {"kernel", "bias"}
                    : new String[] {"gamma", "beta", "moving_mean", "moving_variance"};
            String[] dl4j = "Dense".equals(kind) ? new String[] {"W", "b"} : new String[] {"gamma", "beta", "mean", "var"};
            for (int v = 0; v < variables.length; v++) {
                INDArray value;
                try {
                    value = weights.read(name(layer), kind, variables[v], v);
                } catch (Exception e) {
                    throw new KerasImportException(file + ": no weights for " + variables[v] + " of layer '"
                            + name(layer) + "' (" + e.getMessage() + ")", e);
                }
                if (value == null) {
                    throw new KerasImportException(file + ": no weights for " + variables[v] + " of layer '"
                            + name(layer) + "'");
                }
                INDArray target = net.getLayer(i).getParam(dl4j[v]);
                if (value.length() != target.length() || (value.rank() == 2 && target.rank() == 2
                        && (value.size(0) != target.size(0) || value.size(1) != target.size(1)))) {
                    throw new KerasImportException(file + ": weights " + variables[v] + " of layer '" + name(layer)
                            + "' have shape " + Arrays.toString(value.shape()) + " but the config says "
                            + Arrays.toString(target.shape()));
                }
                target.assign(value.reshape(target.shape()).castTo(DataType.FLOAT));
            }
        }
        return net;
    }

    /** A layer's input shape as its config declares it (without the batch dimension), or null. */
    private static long[] declaredShape(JsonNode c) {
        for (String key : new String[] {"batch_shape", "batch_input_shape"}) {
            JsonNode s = c.path(key);
            if (s.isArray() && s.size() > 1) {
                long[] shape = new long[s.size() - 1];
                for (int i = 1; i < s.size(); i++) {
                    shape[i - 1] = s.get(i).asLong();
                }
                return shape;
            }
        }
        return null;
    }

    private static void requireShape(Path file, JsonNode layer, long[] shape) throws KerasImportException {
        if (shape == null) {
            throw new KerasImportException(file + ": no input shape before layer '" + name(layer) + "'; "
                    + KerasImportException.SUPPORTED);
        }
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        return p;
    }

    private static KerasActivation activation(Path file, JsonNode layer, JsonNode name) throws KerasImportException {
        try {
            return KerasActivation.of(name.asText("linear"));
        } catch (IllegalArgumentException e) {
            throw unsupported(file, layer, "activation '" + name.asText() + "'");
        }
    }

    private static KerasImportException unsupported(Path file, JsonNode layer, String what) {
        return new KerasImportException(file + ": layer '" + name(layer) + "' uses " + what
                + ", which this importer does not support; " + KerasImportException.SUPPORTED);
    }

    /** The compiled loss (Keras 3 compile_config, Keras 2 training_config), categorical crossentropy if none. */
    private static KerasLoss lossOf(JsonNode model) {
        String loss = model.path("compile_config").path("loss").asText("categorical_crossentropy");
        try {
            return KerasLoss.of(loss);
        } catch (IllegalArgumentException e) {
            return KerasLoss.CATEGORICAL_CROSSENTROPY; // inference does not use it
        }
    }

    private static List<String> describe(List<JsonNode> layers) {
        List<String> out = new ArrayList<>();
        for (JsonNode layer : layers) {
            String kind = layer.path("class_name").asText();
            JsonNode c = layer.path("config");
            out.add(switch (kind) {
                case "Dense" -> "Dense(" + c.path("units").asInt() + ", " + c.path("activation").asText("linear") + ")";
                case "Activation" -> "Activation(" + c.path("activation").asText() + ")";
                case "Dropout" -> "Dropout(" + c.path("rate").asDouble() + ")";
                case "InputLayer" -> "InputLayer(" + Arrays.toString(declaredShape(c)) + ")";
                default -> kind;
            });
        }
        return out;
    }

    private static INDArray findDataSet(Hdf5Archive archive, String variable, String... group) throws Exception {
        for (String dataset : archive.getDataSets(group)) {
            if (dataset.equals(variable) || dataset.equals(variable + ":0")) {
                return archive.readDataSet(dataset, group);
            }
        }
        for (String child : archive.getGroups(group)) {
            String[] deeper = Arrays.copyOf(group, group.length + 1);
            deeper[group.length] = child;
            INDArray found = findDataSet(archive, variable, deeper);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Hdf5Archive open(Path file) throws KerasImportException {
        // HDF5 prints a stack of diagnostics to stderr on any failure; the exception says what the user needs
        org.bytedeco.hdf5.global.hdf5.H5Eset_auto2(org.bytedeco.hdf5.global.hdf5.H5E_DEFAULT, null, null);
        try {
            return new Hdf5Archive(file.toString());
        } catch (Exception | LinkageError e) {
            throw new KerasImportException(file + " cannot be opened as HDF5 (truncated or damaged?: " + e.getMessage()
                    + "); " + KerasImportException.SUPPORTED, e);
        }
    }

    private static JsonNode parse(String json, Path file) throws KerasImportException {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new KerasImportException(file + ": model_config is not JSON (" + e.getMessage() + ")", e);
        }
    }

    private static int major(String version) {
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
