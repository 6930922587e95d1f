package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/** Keras's {@code layers.Add()}: the element-wise sum of its inputs (a residual connection), all of one shape. */
public record AddSpec() implements MergeSpec {
    static AddSpec read(LayerConfig c) {
        return new AddSpec();
    }

    @Override
    public void writeConfig(ObjectNode c) {}

    @Override
    public String kerasClass() {
        return "Add";
    }

    @Override
    public int[] outputShape(List<int[]> inputs) {
        for (int[] other : inputs) {
            if (!Arrays.equals(other, inputs.get(0))) {
                throw new IllegalArgumentException("Add of " + Arrays.toString(inputs.get(0)) + " and "
                        + Arrays.toString(other) + ": its inputs must have one shape");
            }
        }
        return inputs.get(0);
    }
}
