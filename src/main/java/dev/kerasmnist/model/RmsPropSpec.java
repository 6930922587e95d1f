package dev.kerasmnist.model;

/**
 * Keras's {@code keras.optimizers.RMSprop(learning_rate, rho, epsilon)}: the accumulator starts at zero,
 * {@code a = rho * a + (1 - rho) * g^2}, then {@code w -= learning_rate * g / (sqrt(a) + epsilon)} (Keras 2.0 to
 * 2.10) or {@code w -= learning_rate * g / sqrt(a + epsilon)} (Keras 2.11+ and 3): see {@link EpsilonPlacement}.
 *
 * <p>The default is Keras 2's placement: the tutorial (Chollet's notebook, Keras 2.0.x) ran on it, its 98.01% comes
 * from it, and DL4J's own RMSprop computes it, so a model trained with it continues identically in plain DL4J.
 */
public record RmsPropSpec(double learningRate, double rho, double epsilon, EpsilonPlacement epsilonPlacement) {
    /**
     * {@code optimizer='rmsprop'}: Keras's defaults (learning_rate=0.001, rho=0.9, epsilon=1e-7, the value of
     * {@code keras.backend.epsilon()}). DL4J's {@code new RmsProp()} differs: 0.1, 0.95, 1e-8.
     */
    public static final RmsPropSpec KERAS_DEFAULTS = new RmsPropSpec(0.001, 0.9, 1e-7, EpsilonPlacement.OUTSIDE_SQRT);

    public RmsPropSpec {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a positive number, got " + learningRate);
        }
        if (!(rho >= 0 && rho < 1)) {
            throw new IllegalArgumentException("rho must be in [0, 1), got " + rho);
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a positive number, got " + epsilon);
        }
        if (epsilonPlacement == null) {
            epsilonPlacement = EpsilonPlacement.OUTSIDE_SQRT; // files written before the option existed
        }
    }

    public RmsPropSpec withLearningRate(double lr) {
        return new RmsPropSpec(lr, rho, epsilon, epsilonPlacement);
    }

    public RmsPropSpec withEpsilonPlacement(EpsilonPlacement placement) {
        return new RmsPropSpec(learningRate, rho, epsilon, placement);
    }
}
