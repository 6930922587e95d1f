package dev.kerasmnist.model;

import org.deeplearning4j.nn.weights.WeightInit;

/**
 * Keras's initializers used by {@code Dense}, by their Keras names. Keras's Dense defaults are
 * {@code kernel_initializer='glorot_uniform'} and {@code bias_initializer='zeros'}; DL4J's builder defaults differ
 * (Gaussian XAVIER weights).
 */
public enum KerasInitializer {
    /** U(-sqrt(6 / (in + out)), +sqrt(6 / (in + out))): DL4J's XAVIER_UNIFORM. */
    GLOROT_UNIFORM("glorot_uniform"),
    /** All zero: DL4J's {@code biasInit(0)}. */
    ZEROS("zeros");

    public static final KerasInitializer DENSE_KERNEL_DEFAULT = GLOROT_UNIFORM;
    public static final KerasInitializer DENSE_BIAS_DEFAULT = ZEROS;

    private final String kerasName;

    KerasInitializer(String kerasName) {
        this.kerasName = kerasName;
    }

    public String kerasName() {
        return kerasName;
    }

    /** DL4J's weight initialisation for a kernel initializer. */
    public WeightInit weightInit() {
        if (this != GLOROT_UNIFORM) {
            throw new IllegalStateException(kerasName + " is a bias initializer here");
        }
        return WeightInit.XAVIER_UNIFORM;
    }

    /** DL4J's constant bias for a bias initializer. */
    public double biasValue() {
        if (this != ZEROS) {
            throw new IllegalStateException(kerasName + " is a kernel initializer here");
        }
        return 0.0;
    }
}
