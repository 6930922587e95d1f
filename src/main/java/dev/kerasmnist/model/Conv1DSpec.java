package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keras's {@code layers.Conv1D(filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
 * dilation_rate=1, activation=None, use_bias=True)} over a sequence {@code (timesteps, features)}: for MNIST the 28
 * rows of 28 pixels, as the LSTM takes them. Its kernel is {@code (kernel_size, features, filters)}. Padding
 * {@code causal} pads {@code (k - 1) d} zeros before the sequence only, so step t sees no step after it.
 */
public record Conv1DSpec(
        int filters,
        int kernelSize,
        int strides,
        Conv1DSpec.Pad padding,
        KerasActivation activation,
        boolean useBias,
        int dilationRate)
        implements LayerSpec {
    /** Keras's Conv1D padding: Conv2D's two and causal. */
    public enum Pad {
        VALID,
        SAME,
        CAUSAL;

        @JsonValue
        public String kerasName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Pad of(String name) {
            return Arrays.stream(values())
                    .filter(p -> p.kerasName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Conv1D(padding='" + name + "')"));
        }
    }

    public Conv1DSpec {
        if (filters < 1 || kernelSize < 1 || strides < 1 || dilationRate < 1) {
            throw new IllegalArgumentException(
                    "Conv1D needs at least 1 filter and a kernel, strides and dilation" + " rate of at least 1");
        }
        if (padding == null || activation == null) {
            throw new IllegalArgumentException("Conv1D needs a padding and an activation");
        }
        if (strides > 1 && dilationRate > 1) { // Keras's own check (base_conv)
            throw new IllegalArgumentException("Conv1D with both strides and dilation_rate above 1");
        }
    }

    /** {@code Conv1D(filters, kernel, activation=...)} with Keras's other defaults. */
    public Conv1DSpec(int filters, int kernel, KerasActivation activation) {
        this(filters, kernel, 1, Pad.VALID, activation, true, 1);
    }

    static Conv1DSpec read(LayerConfig c) {
        c.require(c.integer("groups", 1) == 1, "Conv1D(groups=" + c.path("groups") + ")");
        c.require(c.dataFormat() == DataFormat.CHANNELS_LAST, "Conv1D(data_format='channels_first')");
        return new Conv1DSpec(
                c.integer("filters"),
                one(c.path("kernel_size"), 0),
                one(c.path("strides"), 1),
                Pad.of(c.path("padding").asText("valid")),
                c.activation("activation", KerasActivation.LINEAR),
                c.flag("use_bias", true),
                one(c.path("dilation_rate"), 1));
    }

    /** A 1-D size given as {@code 3} or {@code [3]}. */
    private static int one(JsonNode n, int kerasDefault) {
        if (n.isArray()) {
            return n.size() == 1 ? n.get(0).asInt() : kerasDefault;
        }
        return n.isNumber() ? n.asInt() : kerasDefault;
    }

    @Override
    public void writeConfig(ObjectNode c) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        LayerConfig.writeConv(
                c,
                filters,
                f.arrayNode().add(kernelSize),
                f.arrayNode().add(strides),
                padding.kerasName(),
                DataFormat.CHANNELS_LAST,
                f.arrayNode().add(dilationRate),
                activation,
                useBias);
    }

    @Override
    public String kerasClass() {
        return "Conv1D";
    }

    /** The steps the kernel spans: {@code (k - 1) d + 1}. */
    public int span() {
        return (kernelSize - 1) * dilationRate + 1;
    }

    /** Its output length for {@code steps} input steps: Keras's compute_output_shape. */
    public int outputLength(int steps) {
        return switch (padding) {
            case VALID -> steps < span() ? 0 : (steps - span()) / strides + 1;
            case SAME, CAUSAL -> (steps + strides - 1) / strides;
        };
    }

    /** Zeros Keras pads before and after the sequence: none, TF's split (the odd one after), or all before. */
    public int[] pads(int steps) {
        int total = Math.max((outputLength(steps) - 1) * strides + span() - steps, 0);
        return switch (padding) {
            case VALID -> new int[] {0, 0};
            case SAME -> new int[] {total / 2, total - total / 2};
            case CAUSAL -> new int[] {span() - 1, 0};
        };
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        if (input.length != 2) {
            throw new IllegalArgumentException("Conv1D needs a sequence (timesteps, features), not "
                    + Arrays.toString(input) + ": Reshape((28, 28)) gives the image's rows");
        }
        int steps = outputLength(input[0]);
        if (steps < 1) {
            throw new IllegalArgumentException("Conv1D with a kernel spanning " + span() + " steps needs a sequence"
                    + " of at least that, not " + input[0]);
        }
        return new int[] {steps, filters};
    }

    @Override
    public List<KerasVariable> variables(int[] input) {
        List<KerasVariable> v = new ArrayList<>();
        v.add(new KerasVariable("kernel", kernelSize, input[1], filters));
        if (useBias) {
            v.add(new KerasVariable("bias", filters));
        }
        return v;
    }

    @Override
    public String describe() {
        return "Conv1D(" + filters + ", " + kernelSize + ", " + activation.kerasName()
                + (strides != 1 ? ", strides=" + strides : "")
                + (padding != Pad.VALID ? ", padding='" + padding.kerasName() + "'" : "")
                + (dilationRate != 1 ? ", dilation_rate=" + dilationRate : "")
                + (useBias ? "" : ", use_bias=False") + ")";
    }
}
