package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import org.nd4j.linalg.activations.Activation;

/** The Keras activations this project maps, by their Keras names, with the DL4J activation each becomes. */
public enum KerasActivation {
    RELU("relu", Activation.RELU),
    SOFTMAX("softmax", Activation.SOFTMAX),
    SIGMOID("sigmoid", Activation.SIGMOID),
    TANH("tanh", Activation.TANH),
    LINEAR("linear", Activation.IDENTITY);

    private final String kerasName;
    private final Activation dl4j;

    KerasActivation(String kerasName, Activation dl4j) {
        this.kerasName = kerasName;
        this.dl4j = dl4j;
    }

    @JsonValue
    public String kerasName() {
        return kerasName;
    }

    public Activation dl4j() {
        return dl4j;
    }

    /** The activation Keras calls {@code name}, e.g. {@code "relu"}. */
    @JsonCreator
    public static KerasActivation of(String name) {
        return Arrays.stream(values()).filter(a -> a.kerasName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unsupported activation '" + name + "'; use one of "
                        + Arrays.stream(values()).map(KerasActivation::kerasName).toList()));
    }
}
