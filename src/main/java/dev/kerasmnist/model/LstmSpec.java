package dev.kerasmnist.model;

/**
 * Keras's {@code layers.LSTM(units, activation="tanh", recurrent_activation="sigmoid", return_sequences=False)}
 * over a sequence {@code (timesteps, features)}: for MNIST the 28 rows of 28 pixels. Its weights are
 * {@code kernel (features, 4 units)}, {@code recurrent_kernel (units, 4 units)} and {@code bias (4 units)}, the gates
 * in Keras's order i, f, c, o.
 */
public record LstmSpec(int units, KerasActivation activation, KerasActivation recurrentActivation,
                       boolean returnSequences) implements LayerSpec {
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
}
