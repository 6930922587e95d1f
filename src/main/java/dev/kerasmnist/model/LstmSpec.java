package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/**
 * Keras's {@code layers.LSTM(units, activation="tanh", recurrent_activation="sigmoid", return_sequences=False)}
 * over a sequence {@code (timesteps, features)}: for MNIST the 28 rows of 28 pixels. Its weights are
 * {@code kernel (features, 4 units)}, {@code recurrent_kernel (units, 4 units)} and {@code bias (4 units)}, the gates
 * in Keras's order i, f, c, o.
 */
public record LstmSpec(
        int units, KerasActivation activation, KerasActivation recurrentActivation, boolean returnSequences)
        implements LayerSpec {
    public LstmSpec {
        if (units < 1) {
            throw new IllegalArgumentException("LSTM needs at least 1 unit, got " + units);
        }
        if (activation == null || recurrentActivation == null) {
            throw new IllegalArgumentException("LSTM needs an activation and a recurrent activation");
        }
    }

    /** {@code LSTM(units)} with Keras's defaults. */
    public LstmSpec(int units) {
        this(units, KerasActivation.TANH, KerasActivation.SIGMOID, false);
    }

    public LstmSpec withReturnSequences(boolean sequences) {
        return new LstmSpec(units, activation, recurrentActivation, sequences);
    }

    static LstmSpec read(LayerConfig c) {
        for (String flag : new String[] {"go_backwards", "stateful", "return_state", "time_major"}) {
            c.require(!c.flag(flag, false), "LSTM(" + flag + "=True)");
        }
        c.require(c.flag("use_bias", true), "LSTM(use_bias=False)");
        // a config without recurrent_activation predates Keras 2, whose default was hard_sigmoid
        return new LstmSpec(
                c.integer("units"),
                c.activation("activation", KerasActivation.TANH),
                c.activation("recurrent_activation", KerasActivation.HARD_SIGMOID),
                c.flag("return_sequences", false));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("units", units)
                .put("activation", LayerConfig.activationName(activation))
                .put("recurrent_activation", LayerConfig.activationName(recurrentActivation))
                .put("use_bias", true)
                .put("return_sequences", returnSequences)
                .put("return_state", false)
                .put("go_backwards", false)
                .put("stateful", false)
                .put("unroll", false)
                .put("unit_forget_bias", true)
                .put("dropout", 0.0)
                .put("recurrent_dropout", 0.0);
    }

    @Override
    public String kerasClass() {
        return "LSTM";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        if (input.length != 2) {
            throw new IllegalArgumentException("LSTM needs a sequence (timesteps, features), not "
                    + Arrays.toString(input) + ": the input (28, 28) gives the image's rows");
        }
        return returnSequences ? new int[] {input[0], units} : new int[] {units};
    }

    @Override
    public List<KerasVariable> variables(int[] input) {
        return List.of(
                new KerasVariable("kernel", input[1], 4L * units),
                new KerasVariable("recurrent_kernel", units, 4L * units),
                new KerasVariable("bias", 4L * units));
    }

    @Override
    public boolean variablesInCell() {
        return true;
    }

    @Override
    public String describe() {
        return "LSTM(" + units + (returnSequences ? ", return_sequences=True" : "") + ")";
    }
}
