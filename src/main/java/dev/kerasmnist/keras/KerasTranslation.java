package dev.kerasmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.LayerConfig;
import dev.kerasmnist.model.LayerSpec;
import dev.kerasmnist.model.Layers;
import dev.kerasmnist.model.MergeSpec;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.RmsPropSpec;
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
    /**
     * Where one layer's weights live: legacy .h5 in the top-level layer's group (a nested model's layers share it,
     * in order), .keras by path; {@code kerasClass} the class the file saved it as (CuDNNLSTM keeps its own layout).
     */
    record WeightRef(String h5Layer, String zipPath, String kerasClass) {}

    /** A translated model: the spec, and per spec layer its Keras name and weights. */
    record Result(ModelSpec spec, List<String> names, List<WeightRef> weights) {}

    private final String file;
    private final int kerasMajor;
    private final List<LayerSpec> layers = new ArrayList<>();
    /** The layers Keras does not train: {@code trainable: false} in their config or in an enclosing model's. */
    private final List<Integer> frozen = new ArrayList<>();
    /** Whether the nested model being read is itself not trainable, which freezes all its layers. */
    private boolean frozenModel;

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
        t.model(model, null, "", -1);
        if (t.inputShape == null) {
            throw new KerasImportException(file + ": the config gives no input shape (no InputLayer, no"
                    + " batch_input_shape); " + KerasImportException.SUPPORTED);
        }
        if (t.layers.isEmpty()) {
            throw new KerasImportException(
                    file + ": the model config has no layers; " + KerasImportException.SUPPORTED);
        }
        ModelSpec spec;
        try {
            boolean chain = true;
            for (int k = 0; k < t.inbound.size(); k++) {
                chain &= t.inbound.get(k).equals(List.of(k - 1));
            }
            spec = new ModelSpec(
                    t.inputShape,
                    t.layers,
                    chain ? List.of() : t.inbound,
                    RmsPropSpec.KERAS_DEFAULTS,
                    loss(keras.training()),
                    0,
                    inputScale,
                    t.frozen);
        } catch (IllegalArgumentException e) {
            throw new KerasImportException(file + ": " + e.getMessage() + "; " + KerasImportException.SUPPORTED, e);
        }
        return new Result(spec, t.names, t.refs);
    }

    /**
     * Appends the layers of a Sequential or Functional model whose input is spec layer {@code entry} (-1: the
     * model's input) and returns the spec layer of its output. {@code h5Layer} is the top-level layer whose
     * weight_names hold a nested model's weights; {@code zipPrefix} the .keras path of a nested model's layers.
     */
    private int model(JsonNode model, String h5Layer, String zipPrefix, int entry) throws KerasImportException {
        String className = model.path("class_name").asText();
        JsonNode config = model.path("config");
        JsonNode list = config.isArray() ? config : config.path("layers"); // Keras 1 Sequential: a bare list
        if (!list.isArray()) {
            throw new KerasImportException(
                    file + ": the model config has no layers; " + KerasImportException.SUPPORTED);
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
            }
            if ("Sequential".equals(kind) || "Functional".equals(kind) || "Model".equals(kind)) {
                if (functional) {
                    from = inboundOf(layer, kind, false);
                }
                if (inputShape == null) {
                    inputShape = shapeOf(layer.path("build_config").path("input_shape"));
                }
                boolean outer = frozenModel;
                frozenModel |= !trainable(layer);
                current = model(layer, top, zipPath + "/", from.get(0));
                frozenModel = outer;
            } else {
                if (inputShape == null) {
                    inputShape = declaredShape(layer.path("config"));
                }
                LayerSpec spec = spec(layer, kind);
                if (functional) {
                    from = inboundOf(layer, kind, spec instanceof MergeSpec);
                }
                current = spec == null ? from.get(0) : add(spec, layer, top, zipPath, from);
            }
            indexOf.put(name(layer), current);
        }
        if (functional) {
            List<String> outputs = new ArrayList<>();
            config.path("output_layers")
                    .findValues("keras_history")
                    .forEach(h -> outputs.add(h.get(0).asText()));
            if (outputs.isEmpty()) {
                JsonNode o = config.path("output_layers");
                // [["dense_1", 0, 0]] (Keras 2, Keras 3 before 3.4) or ["dense_1", 0, 0] (a single output)
                JsonNode first = o.isArray() && o.size() > 0 && o.get(0).isArray()
                        ? o
                        : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                                .arrayNode()
                                .add(o);
                first.forEach(t -> {
                    if (t.isArray() && t.size() > 0) outputs.add(t.get(0).asText());
                });
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

    /** The spec layers a Functional layer takes; refuses shared layers, unknown names, joins of one input. */
    private List<Integer> inboundOf(JsonNode layer, String kind, boolean merge) throws KerasImportException {
        JsonNode nodes = layer.path("inbound_nodes");
        if (nodes.size() > 1) {
            throw new KerasImportException(file + ": layer '" + name(layer) + "' is called " + nodes.size()
                    + " times (a shared layer), which this importer does not support; "
                    + KerasImportException.SUPPORTED);
        }
        List<String> sources = sources(nodes);
        if (sources.size() > 1 && !merge) {
            throw new KerasImportException(file + ": layer '" + name(layer) + "' (" + kind + ") takes " + sources
                    + ", but only a layer that joins branches takes several; " + KerasImportException.SUPPORTED);
        }
        if (sources.isEmpty() || (merge && sources.size() < 2)) {
            throw new KerasImportException(
                    file + ": layer '" + name(layer) + "' takes " + sources + "; " + KerasImportException.SUPPORTED);
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
    private int add(LayerSpec spec, JsonNode layer, String h5Layer, String zipPath, List<Integer> from) {
        if (frozenModel || !trainable(layer)) {
            frozen.add(layers.size());
        }
        layers.add(spec);
        names.add(name(layer));
        refs.add(new WeightRef(h5Layer, zipPath, layer.path("class_name").asText()));
        inbound.add(from);
        return layers.size() - 1;
    }

    /** Keras's {@code trainable}, True unless the config says otherwise (Layer.__init__'s default). */
    private static boolean trainable(JsonNode layer) {
        return layer.path("config").path("trainable").asBoolean(true);
    }

    /**
     * The layer record a Keras layer config describes, read by the layer's own reader; null for an InputLayer or a
     * layer that computes nothing at inference (Dropout(0)).
     */
    private LayerSpec spec(JsonNode layer, String kind) throws KerasImportException {
        if ("InputLayer".equals(kind)) {
            if (declaredShape(layer.path("config")) == null) {
                throw unsupported(layer, "an InputLayer without batch_shape");
            }
            return null;
        }
        if (Layers.whyNot(kind) != null) {
            throw new KerasImportException(file + ": layer '" + name(layer) + "' is a " + kind
                    + ", which has no exact DL4J form: " + Layers.whyNot(kind) + "; " + KerasImportException.SUPPORTED);
        }
        if (!Layers.reads(kind)) {
            boolean custom = !layer.path("module").asText("keras").startsWith("keras");
            String what = "Lambda".equals(kind)
                    ? "a Lambda layer (Python code, which cannot be imported)"
                    : JOINS.contains(kind)
                            ? "a " + kind + " of several inputs, which this importer does not support"
                            : (custom ? "a custom layer (" + kind + ")" : "a " + kind)
                                    + ", which this importer does not support";
            throw new KerasImportException(
                    file + ": layer '" + name(layer) + "' is " + what + "; " + KerasImportException.SUPPORTED);
        }
        try {
            return Layers.read(new LayerConfig(kind, layer.path("config"), kerasMajor));
        } catch (IllegalArgumentException e) {
            throw unsupported(layer, e.getMessage());
        }
    }

    /** Keras's layers that join branches and have no record yet. */
    private static final java.util.Set<String> JOINS = java.util.Set.of("Minimum", "Dot");

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

    /** The compiled loss, categorical crossentropy if none or unknown (inference does not use it). */
    static KerasLoss loss(JsonNode training) {
        JsonNode loss = training.path("loss");
        String name = loss.isObject() ? snakeCase(loss.path("class_name").asText()) : loss.asText("");
        if (loss.path("config").path("from_logits").asBoolean(false)
                && name.matches("(sparse_)?categorical_crossentropy")) {
            // CategoricalCrossentropy(from_logits=True): the model ends in logits (losses/losses.py get_config)
            return KerasLoss.CATEGORICAL_CROSSENTROPY_FROM_LOGITS;
        }
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
