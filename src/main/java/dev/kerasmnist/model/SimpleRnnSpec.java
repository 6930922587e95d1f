package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/**
 * Keras's {@code layers.SimpleRNN(units, activation="tanh", return_sequences=False)} over a sequence
 * {@code (timesteps, features)}: {@code h_t = activation(x_t kernel + h_{t-1} recurrent_kernel + bias)}.
 */
public record SimpleRnnSpec(int units, KerasActivation activation, boolean returnSequences) implements LayerSpec {
    public SimpleRnnSpec {
        if (units < 1) {
            throw new IllegalArgumentException("SimpleRNN needs at least 1 unit, got " + units);
        }
        if (activation == null) {
            throw new IllegalArgumentException("SimpleRNN needs an activation");
        }
    }

    static SimpleRnnSpec read(LayerConfig c) {
        for (String flag : new String[] {"go_backwards", "stateful", "return_state"}) {
            c.require(!c.flag(flag, false), "SimpleRNN(" + flag + "=True)");
        }
        c.require(c.flag("use_bias", true), "SimpleRNN(use_bias=False)");
        return new SimpleRnnSpec(
                c.integer("units"),
                c.activation("activation", KerasActivation.TANH),
                c.flag("return_sequences", false));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("units", units)
                .put("activation", LayerConfig.activationName(activation))
                .put("use_bias", true)
                .put("return_sequences", returnSequences)
                .put("return_state", false)
                .put("go_backwards", false)
                .put("stateful", false)
                .put("unroll", false)
                .put("dropout", 0.0)
                .put("recurrent_dropout", 0.0);
    }

    @Override
    public String kerasClass() {
        return "SimpleRNN";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        if (input.length != 2) {
            throw new IllegalArgumentException("SimpleRNN needs a sequence (timesteps, features), not "
                    + Arrays.toString(input) + ": the input (28, 28) gives the image's rows");
        }
        return returnSequences ? new int[] {input[0], units} : new int[] {units};
    }

    @Override
    public List<KerasVariable> variables(int[] input) {
        return List.of(
                new KerasVariable("kernel", input[1], units),
                new KerasVariable("recurrent_kernel", units, units),
                new KerasVariable("bias", units));
    }

    @Override
    public boolean variablesInCell() {
        return true;
    }

    @Override
    public String describe() {
        return "SimpleRNN(" + units + ", " + activation.kerasName() + (returnSequences ? ", return_sequences=True" : "")
                + ")";
    }
}
