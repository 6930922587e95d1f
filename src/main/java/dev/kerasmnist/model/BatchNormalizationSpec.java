package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keras's {@code layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True)}.
 * Its weights are {@code gamma} (if scale), {@code beta} (if center), {@code moving_mean}, {@code moving_variance}.
 */
public record BatchNormalizationSpec(int axis, double momentum, double epsilon, boolean center, boolean scale)
        implements LayerSpec {
    public static final BatchNormalizationSpec KERAS_DEFAULTS = new BatchNormalizationSpec(-1, 0.99, 1e-3, true, true);

    public BatchNormalizationSpec {
        if (!(epsilon > 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException(
                    "BatchNormalization needs epsilon > 0 and momentum in [0, 1), got " + epsilon + " and " + momentum);
        }
    }

    public BatchNormalizationSpec withAxis(int a) {
        return new BatchNormalizationSpec(a, momentum, epsilon, center, scale);
    }

    static BatchNormalizationSpec read(LayerConfig c) {
        JsonNode axis = c.path("axis");
        c.require(!axis.isArray() || axis.size() == 1, "BatchNormalization over axes " + axis);
        c.require(
                !c.flag("renorm", false) && !c.has("virtual_batch_size"),
                "BatchNormalization with renorm or virtual batches");
        BatchNormalizationSpec k = KERAS_DEFAULTS;
        return new BatchNormalizationSpec(
                axis.isArray() ? axis.get(0).asInt() : axis.asInt(k.axis),
                c.real("momentum", k.momentum),
                c.real("epsilon", k.epsilon),
                c.flag("center", k.center),
                c.flag("scale", k.scale));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("axis", axis)
                .put("momentum", momentum)
                .put("epsilon", epsilon)
                .put("center", center)
                .put("scale", scale);
    }

    @Override
    public String kerasClass() {
        return "BatchNormalization";
    }

    /**
     * Over the features of a vector, the channels of feature maps, or their width: DL4J's BatchNormalization holds
     * its maps as NCHW and normalises either axis 1 (the channels) or, read as NHWC, axis 3 (the width), so
     * {@code axis=3} of a channels-first model (as some Keras 2 code wrote it) is exact, in training too. Over the
     * rows DL4J has no such layer.
     */
    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        int a = axis < 0 ? input.length + 1 + axis : axis; // Keras counts the batch axis as 0
        if (input.length == 2 || a < 1 || a > input.length) {
            throw new IllegalArgumentException("BatchNormalization(axis=" + axis + ") on " + Arrays.toString(input)
                    + ": only over the features of a vector or an axis of feature maps");
        }
        if (input.length == 3 && a - 1 == (format == DataFormat.CHANNELS_LAST ? 0 : 1)) {
            throw new IllegalArgumentException("BatchNormalization(axis=" + axis + ") normalises the rows of "
                    + format.kerasName() + " maps " + Arrays.toString(input) + ": DL4J's BatchNormalization"
                    + " normalises only the channels or (read as NHWC) the width of its NCHW maps, so it cannot be"
                    + " expressed exactly");
        }
        return input;
    }

    /** The index of the normalised axis in Keras's shape without the batch axis. */
    int axisIndex(int[] input) {
        return (axis < 0 ? input.length + 1 + axis : axis) - 1;
    }

    @Override
    public List<KerasVariable> variables(int[] input) {
        long n = input[axisIndex(input)];
        List<KerasVariable> v = new ArrayList<>();
        if (scale) {
            v.add(new KerasVariable("gamma", n));
        }
        if (center) {
            v.add(new KerasVariable("beta", n));
        }
        v.add(new KerasVariable("moving_mean", new long[] {n}, false));
        v.add(new KerasVariable("moving_variance", new long[] {n}, false));
        return v;
    }

    @Override
    public String describe() {
        return "BatchNormalization(axis=" + axis + ")";
    }
}
