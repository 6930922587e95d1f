package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Keras layer's {@code config} as a layer record reads it: each getter takes the Keras name and, where Keras has
 * one, its default. A value the project cannot express is refused with {@link #unsupported}, whose message names
 * the option (the import adds "which this importer does not support").
 *
 * @param className  the layer's Keras class name ({@code MaxPooling2D}: one reader serves several)
 * @param config     the {@code config} object
 * @param kerasMajor 2 or 3: the file's Keras generation (Keras 3 changed {@code hard_sigmoid})
 */
public record LayerConfig(String className, JsonNode config, int kerasMajor) {
    public JsonNode path(String key) {
        return config.path(key);
    }

    public boolean has(String key) {
        return config.hasNonNull(key);
    }

    public int integer(String key) {
        return config.path(key).asInt();
    }

    public int integer(String key, int kerasDefault) {
        return config.path(key).asInt(kerasDefault);
    }

    public double real(String key, double kerasDefault) {
        return config.path(key).asDouble(kerasDefault);
    }

    public boolean flag(String key, boolean kerasDefault) {
        return config.path(key).asBoolean(kerasDefault);
    }

    /** A {@code (rows, cols)} pair given as {@code 3}, {@code [3]} or {@code [3, 3]}. */
    public Size2D size(String key, Size2D kerasDefault) {
        JsonNode n = config.path(key);
        if (!has(key)) {
            return kerasDefault;
        }
        if (n.isArray()) {
            return n.size() == 1
                    ? Size2D.square(n.get(0).asInt())
                    : new Size2D(n.get(0).asInt(), n.get(1).asInt());
        }
        return Size2D.square(n.asInt());
    }

    /** {@code data_format}, {@code "channels_last"} by default. */
    public DataFormat dataFormat() {
        return has("data_format") ? DataFormat.of(config.path("data_format").asText()) : DataFormat.CHANNELS_LAST;
    }

    /** An activation by name (or Keras 3's serialised object); {@code kerasDefault} when absent or null. */
    public KerasActivation activation(String key, KerasActivation kerasDefault) {
        JsonNode name = config.path(key);
        if (name.isObject()) { // Keras 3 serialises non-builtin activations as objects
            String cls = name.path("class_name").asText();
            name = "function".equals(cls) || name.path("module").asText().startsWith("keras")
                    ? name.path("config")
                    : name;
            if (!name.isTextual()) {
                throw unsupported("a custom activation " + cls);
            }
        }
        return name.isMissingNode() || name.isNull() ? kerasDefault : KerasActivation.of(name.asText(), kerasMajor);
    }

    /** Refuses {@code what} unless {@code ok}. */
    public void require(boolean ok, String what) {
        if (!ok) {
            throw unsupported(what);
        }
    }

    public static IllegalArgumentException unsupported(String what) {
        return new IllegalArgumentException(what);
    }

    /** An activation's Keras 3 name; Keras 2's hard_sigmoid is not Keras 3's, so it cannot be written as Keras 3. */
    public static String activationName(KerasActivation a) {
        if (a == KerasActivation.HARD_SIGMOID) {
            throw new IllegalArgumentException("the model uses Keras 2's hard_sigmoid (clip(0.2 x + 0.5)), which"
                    + " Keras 3's hard_sigmoid (clip(x / 6 + 0.5)) is not; it cannot be written as a Keras 3 model");
        }
        return a.kerasName();
    }

    /** Keras's default {@code kernel_initializer="glorot_uniform"} and {@code bias_initializer="zeros"}. */
    public static void writeInitializers(ObjectNode c) {
        writeInitializer(c, "kernel_initializer", "GlorotUniform");
        writeInitializer(c, "bias_initializer", "Zeros");
    }

    /**
     * The window every Keras convolution's get_config writes (base_conv, base_depthwise_conv, base_separable_conv):
     * kernel_size, strides, padding, data_format and dilation_rate, each size a list of one per spatial axis.
     */
    public static void writeWindow(
            ObjectNode c, ArrayNode kernel, ArrayNode strides, String padding, DataFormat format, ArrayNode dilation) {
        c.set("kernel_size", kernel);
        c.set("strides", strides);
        c.put("padding", padding).put("data_format", format.kerasName());
        c.set("dilation_rate", dilation);
    }

    /** Conv1D's and Conv2D's get_config (base_conv): filters, the window, one group, activation, bias, initializers. */
    public static void writeConv(
            ObjectNode c,
            int filters,
            ArrayNode kernel,
            ArrayNode strides,
            String padding,
            DataFormat format,
            ArrayNode dilation,
            KerasActivation activation,
            boolean useBias) {
        c.put("filters", filters);
        writeWindow(c, kernel, strides, padding, format, dilation);
        c.put("groups", 1).put("activation", activationName(activation)).put("use_bias", useBias);
        writeInitializers(c);
    }

    /** A Keras initializer under {@code key}, as get_config writes it: {@code GlorotUniform} or {@code Zeros}. */
    public static void writeInitializer(ObjectNode c, String key, String className) {
        ObjectNode init = c.putObject(key);
        init.put("module", "keras.initializers").put("class_name", className);
        ObjectNode config = init.putObject("config");
        if (!"Zeros".equals(className)) {
            config.putNull("seed");
        }
        init.putNull("registered_name");
    }

    public static ArrayNode pair(Size2D s) {
        return JsonNodeFactory.instance.arrayNode().add(s.rows()).add(s.cols());
    }
}
