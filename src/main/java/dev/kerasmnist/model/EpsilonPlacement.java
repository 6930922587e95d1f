package dev.kerasmnist.model;

/** Where Keras's RMSprop adds epsilon; the two Keras generations differ. */
public enum EpsilonPlacement {
    /**
     * {@code w -= lr * g / (sqrt(a) + epsilon)}: Keras 2.0 to 2.10 and its legacy optimizer, which the tutorial ran
     * on, and DL4J's own RMSprop op.
     */
    OUTSIDE_SQRT,
    /** {@code w -= lr * g / sqrt(a + epsilon)}: Keras 2.11 and later, Keras 3 ({@code keras/src/optimizers/rmsprop.py}). */
    INSIDE_SQRT
}
