package dev.kerasmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kerasmnist.model.ActivationSpec;
import dev.kerasmnist.model.BatchNormalizationSpec;
import dev.kerasmnist.model.Conv2DSpec;
import dev.kerasmnist.model.DataFormat;
import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.DropoutSpec;
import dev.kerasmnist.model.FlattenSpec;
import dev.kerasmnist.model.GlobalPooling2DSpec;
import dev.kerasmnist.model.KerasActivation;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.LayerSpec;
import dev.kerasmnist.model.LeakyReLUSpec;
import dev.kerasmnist.model.LstmSpec;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.Padding;
import dev.kerasmnist.model.PoolType;
import dev.kerasmnist.model.Pooling2DSpec;
import dev.kerasmnist.model.ReshapeSpec;
import dev.kerasmnist.model.RescalingSpec;
import dev.kerasmnist.model.RmsPropSpec;
import dev.kerasmnist.model.Size2D;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 2 of an import: a Keras model config (any generation) translated into the vocabulary of the {@code model}
 * package, with where each layer's weights are stored. Nothing here touches an array.
 *
 * <p>Read through: {@code batch_shape} (Keras 3) and {@code batch_input_shape} (Keras 2) on an InputLayer or on the
 * first layer, or the Sequential's {@code build_config}; {@code dtype} as a string or a DTypePolicy object; Keras 3's
 * {@code module}/{@code registered_name} wrappers; Functional {@code inbound_nodes} of both generations; nested
 * Sequential and Functional chains, which are inlined.
 */
final class KerasTranslation {
    /** Where one layer's weights live: legacy .h5 by top-level layer name and offset, .keras by path. */
    record WeightRef(String h5Layer, int h5Offset, String zipPath) {
    }

    /** A translated model: the spec, and per spec layer its Keras name and weights. */
    record Result(ModelSpec spec, List<String> names, List<WeightRef> weights) {
    }

    private final String file;
    private final int kerasMajor;
    private final List<LayerSpec> layers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<WeightRef> refs = new ArrayList<>();
    /** Per spec layer, the spec layers it takes (-1: the input). */
    private final List<List<Integer>> inbound = new ArrayList<>();
    /** A Keras layer's name: the spec layer whose output it is (-1: the input). */
    private final Map<String, Integer> indexOf = new HashMap<>();
    private List<Integer> inputShape;

    private KerasTranslation(String file, int kerasMajor) {
        this.file = file;
        this.kerasMajor = kerasMajor;
    }

    static Result translate(KerasFile keras, double inputScale, String file) throws KerasImportException {
        KerasTranslation t = new KerasTranslation(file, keras.kerasMajor());
        JsonNode model = keras.model();
        t.inputShape = shapeOf(model.path("build_config").path("input_shape"));
        t.model(model, null, "", new HashMap<>(), -1);
        if (t.inputShape == null) {
            throw new KerasImportException(file + ": the config gives no input shape (no InputLayer, no"
                    + " batch_input_shape); " + KerasImportException.SUPPORTED);
        }
        if (t.layers.isEmpty()) {
            throw new KerasImportException(file + ": the model config has no layers; " + KerasImportException.SUPPORTED);
        }
        ModelSpec spec;
        try {
            boolean chain = true;
            for (int k = 0; k < t.inbound.size(); k++) {
                chain &= t.inbound.get(k).equals(List.of(k - 1));
            }
            spec = new ModelSpec(t.inputShape, t.layers, chain ? List.of() : t.inbound, RmsPropSpec.KERAS_DEFAULTS,
                    loss(keras.training()), 0, inputScale);
        } catch (IllegalArgumentException e) {
            throw new KerasImportException(file + ": " + e.getMessage() + "; " + KerasImportException.SUPPORTED, e);
        }
        return new Result(spec, t.names, t.refs);
    }

    /**
     * Appends the layers of a Sequential or a Functional chain. {@code h5Layer} is the top-level layer whose
     * weight_names hold a nested model's weights; {@code zipPrefix} the .keras path of a nested model's layers.
     */
    /**
     * Appends the layers of a Sequential or Functional model whose input is spec layer {@code entry} (-1: the
     * model's input) and returns the spec layer of its output. {@code h5Layer} is the top-level layer whose
     * weight_names hold a nested model's weights; {@code zipPrefix} the .keras path of a nested model's layers.
     */
    private int model(JsonNode model, String h5Layer, String zipPrefix, Map<String, Integer> h5Offsets, int entry)
            throws KerasImportException {
        String className = model.path("class_name").asText();
        JsonNode config = model.path("config");
        JsonNode list = config.isArray() ? config : config.path("layers"); // Keras 1 Sequential: a bare list
        if (!list.isArray()) {
            throw new KerasImportException(file + ": the model config has no layers; " + KerasImportException.SUPPORTED);
        }
        boolean functional = "Functional".equals(className) || "Model".equals(className);
        if (!functional && !"Sequential".equals(className)) {
            throw new KerasImportException(file + ": a " + className + " model; " + KerasImportException.SUPPORTED);
        }
        Map<String, Integer> perClass = new HashMap<>(); // .keras numbers each class's layers: dense, dense_1, ...
        int current = entry;
        int inputs = 0;
        for (JsonNode layer : list) {
            String kind = layer.path("class_name").asText();
            String snake = snakeCase(kind);
            int n = perClass.merge(snake, 1, Integer::sum) - 1;
            String zipPath = zipPrefix + "layers/" + (n == 0 ? snake : snake + "_" + n);
            String top = h5Layer != null ? h5Layer : name(layer);
            List<Integer> from = List.of(current);
            if (functional) {
                if ("InputLayer".equals(kind)) {
                    if (++inputs > 1) {
                        throw new KerasImportException(file + ": the model has more than one input ('" + name(layer)
                                + "'); an MNIST model takes one image; " + KerasImportException.SUPPORTED);
                    }
                    if (inputShape == null) {
                        inputShape = declaredShape(layer.path("config"));
                    }
                    indexOf.put(name(layer), entry);
                    continue;
                }
                from = inboundOf(layer, kind);
            }
            if ("Sequential".equals(kind) || "Functional".equals(kind) || "Model".equals(kind)) {
                if (inputShape == null) {
                    inputShape = shapeOf(layer.path("build_config").path("input_shape"));
                }
                current = model(layer, top, zipPath + "/", h5Offsets, from.get(0));
            } else {
                current = layer(layer, kind, top, zipPath, h5Offsets, from);
            }
            indexOf.put(name(layer), current);
        }
        if (functional) {
            List<String> outputs = new ArrayList<>();
            config.path("output_layers").findValues("keras_history").forEach(h -> outputs.add(h.get(0).asText()));
            if (outputs.isEmpty()) {
                JsonNode o = config.path("output_layers");
                // [["dense_1", 0, 0]] (Keras 2, Keras 3 before 3.4) or ["dense_1", 0, 0] (a single output)
                JsonNode first = o.isArray() && o.size() > 0 && o.get(0).isArray() ? o
                        : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(o);
                first.forEach(t -> { if (t.isArray() && t.size() > 0) outputs.add(t.get(0).asText()); });
            }
            if (outputs.size() > 1) {
                throw new KerasImportException(file + ": the model has " + outputs.size() + " outputs " + outputs
                        + "; an MNIST model gives one; " + KerasImportException.SUPPORTED);
            }
            if (outputs.size() == 1 && !outputs.get(0).equals(lastName(list))) {
                throw new KerasImportException(file + ": the model's output '" + outputs.get(0) + "' is not its last"
                        + " layer; " + KerasImportException.SUPPORTED);
            }
        }
        return current;
    }

    private static String lastName(JsonNode list) {
        return name(list.get(list.size() - 1));
    }

    /** The spec layers a Functional layer takes; refuses shared layers, joins other than Add, unknown names. */
    private List<Integer> inboundOf(JsonNode layer, String kind) throws KerasImportException {
        JsonNode nodes = layer.path("inbound_nodes");
        if (nodes.size() > 1) {
            throw new KerasImportException(file + ": layer '" + name(layer) + "' is called " + nodes.size()
                    + " times (a shared layer), which this importer does not support; " + KerasImportException.SUPPORTED);
        }
        List<String> sources = sources(nodes);
        if (sources.size() > 1 && !"Add".equals(kind)) {
            throw new KerasImportException(file + ": layer '" + name(layer) + "' (" + kind + ") takes " + sources
                    + "; of the layers that join branches only Add is supported; " + KerasImportException.SUPPORTED);
        }
        if (sources.isEmpty() || ("Add".equals(kind) && sources.size() < 2)) {
            throw new KerasImportException(file + ": layer '" + name(layer) + "' takes " + sources + "; "
                    + KerasImportException.SUPPORTED);
        }
        List<Integer> from = new ArrayList<>();
        for (String source : sources) {
            Integer index = indexOf.get(source);
            if (index == null) {
                throw new KerasImportException(file + ": layer '" + name(layer) + "' takes '" + source + "', which"
                        + " no layer before it defines; " + KerasImportException.SUPPORTED);
            }
            from.add(index);
        }
        return from;
    }

    /** Appends one layer taking spec layers {@code from}; returns the spec layer of its output. */
    private int layer(JsonNode layer, String kind, String h5Layer, String zipPath, Map<String, Integer> h5Offsets,
                      List<Integer> from) throws KerasImportException {
        JsonNode c = layer.path("config");
        if (inputShape == null) {
            inputShape = declaredShape(c);
        }
        LayerSpec spec;
        try {
            spec = spec(layer, kind, c);
        } catch (IllegalArgumentException e) {
            throw unsupported(layer, e.getMessage());
        }
        if (spec == null) {
            return from.get(0); // InputLayer, or a layer that computes nothing at inference (Dropout(0))
        }
        int offset = h5Offsets.getOrDefault(h5Layer, 0);
        h5Offsets.put(h5Layer, offset + dev.kerasmnist.model.KerasToDl4j.variables(spec).size());
        layers.add(spec);
        names.add(name(layer));
        refs.add(new WeightRef(h5Layer, offset, zipPath));
        inbound.add(from);
        return layers.size() - 1;
    }

    private LayerSpec spec(JsonNode layer, String kind, JsonNode c) throws KerasImportException {
        DataFormat format = c.hasNonNull("data_format") ? DataFormat.of(c.path("data_format").asText())
                : DataFormat.CHANNELS_LAST;
        switch (kind) {
            case "InputLayer":
                if (declaredShape(c) == null) {
                    throw unsupported(layer, "an InputLayer without batch_shape");
                }
                return null;
            case "Dense":
                if (!c.path("use_bias").asBoolean(true)) {
                    throw unsupported(layer, "Dense(use_bias=False)");
                }
                return new DenseSpec(c.path("units").asInt(), activation(layer, c.path("activation")));
            case "Conv2D":
            case "Convolution2D":
                for (String one : new String[] {"dilation_rate"}) {
                    if (c.has(one) && !(size(c.path(one)).rows() == 1 && size(c.path(one)).cols() == 1)) {
                        throw unsupported(layer, "Conv2D(" + one + "=" + c.path(one) + ")");
                    }
                }
                if (c.path("groups").asInt(1) != 1) {
                    throw unsupported(layer, "Conv2D(groups=" + c.path("groups") + ")");
                }
                return new Conv2DSpec(c.path("filters").asInt(), size(c.path("kernel_size")),
                        c.has("strides") ? size(c.path("strides")) : Size2D.square(1),
                        Padding.of(c.path("padding").asText("valid")), format, activation(layer, c.path("activation")),
                        c.path("use_bias").asBoolean(true));
            case "MaxPooling2D":
            case "AveragePooling2D":
            case "MaxPool2D":
            case "AvgPool2D": {
                Size2D pool = c.has("pool_size") ? size(c.path("pool_size")) : Size2D.square(2);
                Size2D strides = c.hasNonNull("strides") ? size(c.path("strides")) : pool;
                return new Pooling2DSpec(kind.startsWith("Max") ? PoolType.MAX : PoolType.AVERAGE, pool, strides,
                        Padding.of(c.path("padding").asText("valid")), format);
            }
            case "GlobalAveragePooling2D":
            case "GlobalMaxPooling2D":
            case "GlobalAvgPool2D":
            case "GlobalMaxPool2D":
                if (c.path("keepdims").asBoolean(false)) {
                    throw unsupported(layer, kind + "(keepdims=True)");
                }
                return new GlobalPooling2DSpec(kind.startsWith("GlobalMax") ? PoolType.MAX : PoolType.AVERAGE, format);
            case "Flatten":
                return new FlattenSpec(format);
            case "Reshape": {
                List<Integer> target = new ArrayList<>();
                c.path("target_shape").forEach(d -> target.add(d.asInt()));
                return new ReshapeSpec(target);
            }
            case "Dropout":
                double rate = c.path("rate").asDouble();
                return rate == 0 ? null : new DropoutSpec(rate);
            case "Rescaling":
                if (!c.path("scale").isNumber() || !c.path("offset").isMissingNode() && !c.path("offset").isNumber()) {
                    throw unsupported(layer, "Rescaling by per-channel values " + c.path("scale"));
                }
                return new RescalingSpec(c.path("scale").asDouble(), c.path("offset").asDouble(0));
            case "BatchNormalization": {
                JsonNode axis = c.path("axis");
                if (axis.isArray() && axis.size() != 1) {
                    throw unsupported(layer, "BatchNormalization over axes " + axis);
                }
                if (c.path("renorm").asBoolean(false) || c.hasNonNull("virtual_batch_size")) {
                    throw unsupported(layer, "BatchNormalization with renorm or virtual batches");
                }
                return new BatchNormalizationSpec(axis.isArray() ? axis.get(0).asInt() : axis.asInt(-1),
                        c.path("momentum").asDouble(0.99), c.path("epsilon").asDouble(1e-3),
                        c.path("center").asBoolean(true), c.path("scale").asBoolean(true));
            }
            case "Activation":
                return new ActivationSpec(activation(layer, c.path("activation")));
            case "ReLU": {
                double max = c.path("max_value").isNumber() ? c.path("max_value").asDouble() : Double.NaN;
                double slope = c.path("negative_slope").asDouble(0);
                if (c.path("threshold").asDouble(0) != 0 || (slope != 0 && !Double.isNaN(max))
                        || !(Double.isNaN(max) || max == 6)) {
                    throw unsupported(layer, "ReLU(max_value=" + c.path("max_value") + ", negative_slope="
                            + c.path("negative_slope") + ", threshold=" + c.path("threshold") + ")");
                }
                return slope != 0 ? new LeakyReLUSpec(slope)
                        : new ActivationSpec(Double.isNaN(max) ? KerasActivation.RELU : KerasActivation.RELU6);
            }
            case "LeakyReLU":
                return new LeakyReLUSpec(c.has("negative_slope") ? c.path("negative_slope").asDouble()
                        : c.path("alpha").asDouble(LeakyReLUSpec.KERAS_DEFAULT_SLOPE));
            case "Softmax":
                if (c.path("axis").asInt(-1) != -1) {
                    throw unsupported(layer, "Softmax(axis=" + c.path("axis") + ")");
                }
                return new ActivationSpec(KerasActivation.SOFTMAX);
            case "LSTM": {
                for (String flag : new String[] {"go_backwards", "stateful", "return_state", "time_major"}) {
                    if (c.path(flag).asBoolean(false)) {
                        throw unsupported(layer, "LSTM(" + flag + "=True)");
                    }
                }
                if (!c.path("use_bias").asBoolean(true)) {
                    throw unsupported(layer, "LSTM(use_bias=False)");
                }
                return new LstmSpec(c.path("units").asInt(), activation(layer, c.path("activation")),
                        activation(layer, c.path("recurrent_activation").isMissingNode()
                                ? JSON_HARD_SIGMOID : c.path("recurrent_activation")),
                        c.path("return_sequences").asBoolean(false));
            }
            case "SimpleRNN": {
                for (String flag : new String[] {"go_backwards", "stateful", "return_state"}) {
                    if (c.path(flag).asBoolean(false)) {
                        throw unsupported(layer, "SimpleRNN(" + flag + "=True)");
                    }
                }
                if (!c.path("use_bias").asBoolean(true)) {
                    throw unsupported(layer, "SimpleRNN(use_bias=False)");
                }
                return new dev.kerasmnist.model.SimpleRnnSpec(c.path("units").asInt(),
                        activation(layer, c.path("activation").isMissingNode()
                                ? com.fasterxml.jackson.databind.node.TextNode.valueOf("tanh") : c.path("activation")),
                        c.path("return_sequences").asBoolean(false));
            }
            case "Lambda":
                throw new KerasImportException(file + ": layer '" + name(layer) + "' is a Lambda layer (Python code,"
                        + " which cannot be imported); " + KerasImportException.SUPPORTED);
            case "Add":
                return new dev.kerasmnist.model.AddSpec();
            case "Concatenate":
            case "Multiply":
            case "Subtract":
            case "Average":
                throw new KerasImportException(file + ": layer '" + name(layer) + "' is a " + kind + " of several"
                        + " inputs; of the layers that join branches only Add is supported; "
                        + KerasImportException.SUPPORTED);
            default:
                boolean custom = !layer.path("module").asText("keras").startsWith("keras");
                throw new KerasImportException(file + ": layer '" + name(layer) + "' is "
                        + (custom ? "a custom layer (" + kind + ")" : "a " + kind)
                        + ", which this importer does not support; " + KerasImportException.SUPPORTED);
        }
    }

    /** Keras 1's LSTM default, for configs that predate recurrent_activation. */
    private static final JsonNode JSON_HARD_SIGMOID = com.fasterxml.jackson.databind.node.TextNode
            .valueOf("hard_sigmoid");

    /**
     * The layers a Functional layer takes: Keras 3 {@code [{"args": [{"class_name": "__keras_tensor__", "config":
     * {"keras_history": [name, 0, 0]}}], "kwargs": {}}]}, Keras 2 {@code [[["name", 0, 0, {}]]]}.
     */
    static List<String> sources(JsonNode inbound) {
        List<String> sources = new ArrayList<>();
        inbound.findValues("keras_history").forEach(h -> sources.add(h.get(0).asText()));
        if (sources.isEmpty() && inbound.isArray()) {
            inbound.forEach(node -> node.forEach(t -> {
                if (t.isArray() && t.size() > 0 && t.get(0).isTextual()) {
                    sources.add(t.get(0).asText());
                }
            }));
        }
        return sources;
    }

    private KerasActivation activation(JsonNode layer, JsonNode name) throws KerasImportException {
        if (name.isObject()) { // Keras 3 serialises non-builtin activations as objects
            String cls = name.path("class_name").asText();
            name = "function".equals(cls) || name.path("module").asText().startsWith("keras")
                    ? name.path("config") : name;
            if (!name.isTextual()) {
                throw unsupported(layer, "a custom activation " + cls);
            }
        }
        try {
            return KerasActivation.of(name.asText("linear"), kerasMajor);
        } catch (IllegalArgumentException e) {
            throw unsupported(layer, e.getMessage());
        }
    }

    private static Size2D size(JsonNode n) {
        if (n.isArray()) {
            return n.size() == 1 ? Size2D.square(n.get(0).asInt()) : new Size2D(n.get(0).asInt(), n.get(1).asInt());
        }
        return Size2D.square(n.asInt());
    }

    /** The compiled loss, categorical crossentropy if none or unknown (inference does not use it). */
    static KerasLoss loss(JsonNode training) {
        JsonNode loss = training.path("loss");
        String name = loss.isObject() ? snakeCase(loss.path("class_name").asText()) : loss.asText("");
        return switch (name) {
            case "binary_crossentropy" -> KerasLoss.BINARY_CROSSENTROPY;
            case "mse", "mean_squared_error" -> KerasLoss.MSE;
            // with one-hot labels (as this program trains) sparse categorical crossentropy is the same loss
            default -> KerasLoss.CATEGORICAL_CROSSENTROPY;
        };
    }

    /** A layer's input shape as its config declares it (without the batch dimension), or null. */
    static List<Integer> declaredShape(JsonNode c) {
        for (String key : new String[] {"batch_shape", "batch_input_shape"}) {
            JsonNode s = c.path(key);
            if (s.isArray() && s.size() > 1) {
                return shapeOf(s);
            }
        }
        if (c.path("input_shape").isArray() && c.path("input_shape").size() > 0) { // Keras 1
            List<Integer> shape = new ArrayList<>();
            c.path("input_shape").forEach(d -> shape.add(d.asInt()));
            return shape;
        }
        return null;
    }

    /** {@code [null, 28, 28]} without its batch dimension, or null. */
    private static List<Integer> shapeOf(JsonNode s) {
        if (!s.isArray() || s.size() < 2) {
            return null;
        }
        List<Integer> shape = new ArrayList<>();
        for (int i = 1; i < s.size(); i++) {
            shape.add(s.get(i).isNumber() ? s.get(i).asInt() : -1);
        }
        return shape;
    }

    static String name(JsonNode layer) {
        String name = layer.path("config").path("name").asText("");
        return name.isEmpty() ? layer.path("name").asText() : name;
    }

    static String snakeCase(String className) {
        return dev.kerasmnist.model.ModelSummary.snakeCase(className);
    }

    private KerasImportException unsupported(JsonNode layer, String what) {
        return new KerasImportException(file + ": layer '" + name(layer) + "' uses " + what
                + ", which this importer does not support; " + KerasImportException.SUPPORTED);
    }
}
