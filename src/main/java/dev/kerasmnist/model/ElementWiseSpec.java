package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/**
 * Keras's element-wise merge layers other than Add: {@code layers.Multiply()}, {@code layers.Subtract()} (of exactly
 * two inputs, the first minus the second), {@code layers.Average()} and {@code layers.Maximum()}, of inputs of one
 * shape. They have no settings of their own. (Minimum has no DL4J vertex.)
 */
public record ElementWiseSpec(Op op) implements MergeSpec {
    /** The operation, by its Keras class name. */
    public enum Op {
        MULTIPLY("Multiply"),
        SUBTRACT("Subtract"),
        AVERAGE("Average"),
        MAXIMUM("Maximum");

        private final String kerasClass;

        Op(String kerasClass) {
            this.kerasClass = kerasClass;
        }

        static Op of(String kerasClass) {
            return Arrays.stream(values())
                    .filter(o -> o.kerasClass.equals(kerasClass))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("a " + kerasClass));
        }
    }

    public ElementWiseSpec {
        if (op == null) {
            throw new IllegalArgumentException("an element-wise merge needs its operation");
        }
    }

    static ElementWiseSpec read(LayerConfig c) {
        return new ElementWiseSpec(Op.of(c.className()));
    }

    @Override
    public void writeConfig(ObjectNode c) {}

    @Override
    public String kerasClass() {
        return op.kerasClass;
    }

    @Override
    public int[] outputShape(List<int[]> inputs) {
        if (op == Op.SUBTRACT && inputs.size() != 2) {
            throw new IllegalArgumentException("Subtract of " + inputs.size() + " inputs: it takes exactly two");
        }
        for (int[] other : inputs) {
            if (!Arrays.equals(other, inputs.get(0))) {
                throw new IllegalArgumentException(kerasClass() + " of " + Arrays.toString(inputs.get(0)) + " and "
                        + Arrays.toString(other) + ": its inputs must have one shape");
            }
        }
        return inputs.get(0);
    }
}
