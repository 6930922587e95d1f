package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.activations.impl.ActivationLReLU;

/**
 * The Keras activations this project maps, by their Keras names, with the DL4J activation each becomes (the same
 * formula and constants).
 *
 * <p>{@code hard_sigmoid} is Keras 2's {@code clip(0.2 x + 0.5, 0, 1)}, DL4J's HARDSIGMOID. Keras 3 changed it to
 * {@code clip(x / 6 + 0.5, 0, 1)}, which DL4J has no activation for: {@link #of(String, int)} refuses it by name.
 */
public enum KerasActivation {
    RELU("relu", Activation.RELU.getActivationFunction()),
    SOFTMAX("softmax", Activation.SOFTMAX.getActivationFunction()),
    SIGMOID("sigmoid", Activation.SIGMOID.getActivationFunction()),
    TANH("tanh", Activation.TANH.getActivationFunction()),
    LINEAR("linear", Activation.IDENTITY.getActivationFunction()),
    /** alpha 1, Keras's default. */
    ELU("elu", Activation.ELU.getActivationFunction()),
    SELU("selu", Activation.SELU.getActivationFunction()),
    SOFTPLUS("softplus", Activation.SOFTPLUS.getActivationFunction()),
    SOFTSIGN("softsign", Activation.SOFTSIGN.getActivationFunction()),
    /** Keras 3's name; Keras 2 and 3 also accept {@code swish}. */
    SILU("silu", Activation.SWISH.getActivationFunction()),
    /** Keras's default {@code approximate=False}: {@code x * Phi(x)} with the error function. */
    GELU("gelu", new ActivationGELU(true)),
    RELU6("relu6", Activation.RELU6.getActivationFunction()),
    /** Keras 3's {@code activations.leaky_relu}, {@code negative_slope=0.2}. */
    LEAKY_RELU("leaky_relu", new ActivationLReLU(0.2)),
    /** Keras 2's: {@code clip(0.2 x + 0.5, 0, 1)}. */
    HARD_SIGMOID("hard_sigmoid", Activation.HARDSIGMOID.getActivationFunction());

    private final String kerasName;
    private final IActivation dl4j;

    KerasActivation(String kerasName, IActivation dl4j) {
        this.kerasName = kerasName;
        this.dl4j = dl4j;
    }

    @JsonValue
    public String kerasName() {
        return kerasName;
    }

    public IActivation dl4j() {
        return dl4j;
    }

    /** The activation Keras calls {@code name}, e.g. {@code "relu"}. */
    @JsonCreator
    public static KerasActivation of(String name) {
        String canonical = "swish".equals(name) ? "silu" : name;
        return Arrays.stream(values())
                .filter(a -> a.kerasName.equals(canonical))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unsupported activation '" + name + "'; use one of "
                        + Arrays.stream(values())
                                .map(KerasActivation::kerasName)
                                .toList()));
    }

    /** The activation {@code name} in a file of Keras generation {@code kerasMajor} (2 or 3). */
    public static KerasActivation of(String name, int kerasMajor) {
        if ("hard_sigmoid".equals(name) && kerasMajor >= 3) {
            throw new IllegalArgumentException("unsupported activation 'hard_sigmoid' of Keras 3 (clip(x / 6 + 0.5),"
                    + " which DL4J has no activation for; Keras 2's clip(0.2 x + 0.5) is supported)");
        }
        return of(name);
    }
}
