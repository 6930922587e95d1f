package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/**
 * Keras's {@code layers.Concatenate(axis=-1)}: its inputs side by side along {@code axis} (counting the batch axis
 * as 0, as Keras does), alike in every other axis.
 */
public record ConcatenateSpec(int axis) implements MergeSpec {
    public static final int KERAS_DEFAULT_AXIS = -1;

    static ConcatenateSpec read(LayerConfig c) {
        return new ConcatenateSpec(c.integer("axis", KERAS_DEFAULT_AXIS));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("axis", axis);
    }

    @Override
    public String kerasClass() {
        return "Concatenate";
    }

    /** The index of {@code axis} in a shape of {@code rank} without the batch axis. */
    public int axisIn(int rank) {
        int a = axis < 0 ? rank + 1 + axis : axis;
        if (a < 1 || a > rank) {
            throw new IllegalArgumentException("Concatenate(axis=" + axis + ") of inputs of rank " + rank
                    + ": only along an axis other than the batch's");
        }
        return a - 1;
    }

    @Override
    public int[] outputShape(List<int[]> inputs) {
        int[] first = inputs.get(0);
        int at = axisIn(first.length);
        int[] out = first.clone();
        for (int[] other : inputs.subList(1, inputs.size())) {
            boolean alike = other.length == first.length;
            for (int d = 0; alike && d < first.length; d++) {
                alike = d == at || other[d] == first[d];
            }
            if (!alike) {
                throw new IllegalArgumentException("Concatenate(axis=" + axis + ") of " + Arrays.toString(first)
                        + " and " + Arrays.toString(other) + ": its inputs must agree but along the axis");
            }
            out[at] += other[at];
        }
        return out;
    }

    @Override
    public String describe() {
        return "Concatenate(axis=" + axis + ")";
    }
}
