package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keras's {@code layers.Dense(units, activation=None, use_bias=True)}, with Keras's default initializers
 * ({@link KerasInitializer#DENSE_KERNEL_DEFAULT}, {@link KerasInitializer#DENSE_BIAS_DEFAULT}). Without a bias it
 * has only its kernel.
 */
public record DenseSpec(int units, KerasActivation activation, boolean useBias) implements LayerSpec {
    public DenseSpec {
        if (units < 1) {
            throw new IllegalArgumentException("units must be at least 1, got " + units);
        }
        if (activation == null) {
            throw new IllegalArgumentException("a Dense layer needs an activation");
        }
    }

    /** {@code Dense(units, activation)} with a bias, as Keras's default. */
    public DenseSpec(int units, KerasActivation activation) {
        this(units, activation, true);
    }

    /** {@code Dense(units, activation='relu')}, the activation by its Keras name. */
    public DenseSpec(int units, String activation) {
        this(units, KerasActivation.of(activation));
    }

    /** Reads saved specs, including those written before use_bias was recorded (they all had a bias). */
    @JsonCreator
    static DenseSpec json(
            @JsonProperty("units") int units,
            @JsonProperty("activation") KerasActivation activation,
            @JsonProperty("useBias") Boolean useBias) {
        return new DenseSpec(units, activation, useBias == null || useBias);
    }

    static DenseSpec read(LayerConfig c) {
        return new DenseSpec(
                c.integer("units"), c.activation("activation", KerasActivation.LINEAR), c.flag("use_bias", true));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("units", units)
                .put("activation", LayerConfig.activationName(activation))
                .put("use_bias", useBias);
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
        List<KerasVariable> v = new ArrayList<>();
        v.add(new KerasVariable("kernel", input[0], units));
        if (useBias) {
            v.add(new KerasVariable("bias", units));
        }
        return v;
    }

    @Override
    public String describe() {
        return "Dense(" + units + ", " + activation.kerasName() + (useBias ? "" : ", use_bias=False") + ")";
    }
}
