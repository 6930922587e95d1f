package dev.kerasmnist.model;

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
}
