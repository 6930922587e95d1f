package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/**
 * Keras's {@code layers.Dense(units, activation=None, use_bias=True)}, with Keras's default initializers
 * ({@link KerasInitializer#DENSE_KERNEL_DEFAULT}, {@link KerasInitializer#DENSE_BIAS_DEFAULT}).
 */
public record DenseSpec(int units, KerasActivation activation) implements LayerSpec {
    public DenseSpec {
        if (units < 1) {
            throw new IllegalArgumentException("units must be at least 1, got " + units);
        }
        if (activation == null) {
            throw new IllegalArgumentException("a Dense layer needs an activation");
        }
    }

    /** {@code Dense(units, activation='relu')}, the activation by its Keras name. */
    public DenseSpec(int units, String activation) {
        this(units, KerasActivation.of(activation));
    }

    static DenseSpec read(LayerConfig c) {
        c.require(c.flag("use_bias", true), "Dense(use_bias=False)");
        return new DenseSpec(c.integer("units"), c.activation("activation", KerasActivation.LINEAR));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("units", units)
                .put("activation", LayerConfig.activationName(activation))
                .put("use_bias", true);
        LayerConfig.writeInitializers(c);
    }

    @Override
    public String kerasClass() {
        return "Dense";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        if (input.length != 1) {
            throw new IllegalArgumentException(
                    "Dense needs a flat vector, not " + Arrays.toString(input) + ": put Flatten() before it");
        }
        return new int[] {units};
    }

    @Override
    public List<KerasVariable> variables(int[] input) {
        return List.of(new KerasVariable("kernel", input[0], units), new KerasVariable("bias", units));
    }

    @Override
    public String describe() {
        return "Dense(" + units + ", " + activation.kerasName() + ")";
    }
}
