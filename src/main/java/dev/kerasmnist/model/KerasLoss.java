package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The Keras losses this project maps, by their Keras names. Each is averaged over the batch (DL4J's
 * {@code miniBatch(true)}); how each treats the outputs of one example is set here.
 */
public enum KerasLoss {
    /** {@code -sum(y log p)} per example: DL4J's MCXENT, the same formula. */
    CATEGORICAL_CROSSENTROPY("categorical_crossentropy"),
    /**
     * {@code CategoricalCrossentropy(from_logits=True)} on a model whose last layer is linear (it gives logits):
     * Keras applies the softmax inside the loss. DL4J's last layer applies it instead, with MCXENT, the same loss
     * and gradient; so the DL4J network gives probabilities, as evaluation and serving want, and the Keras layer
     * stays linear for export.
     */
    CATEGORICAL_CROSSENTROPY_FROM_LOGITS("categorical_crossentropy_from_logits"),
    /**
     * Keras averages {@code -(y log p + (1 - y) log(1 - p))} over the outputs, with p clipped to
     * {@code [1e-7, 1 - 1e-7]}. DL4J's XENT sums over the outputs and clips at 1e-5 by default; here it gets
     * Keras's clip and a weight of 1/outputs on every output, which makes its sum Keras's mean (loss and gradient).
     */
    BINARY_CROSSENTROPY("binary_crossentropy"),
    /** Keras averages the squared error over the outputs, as DL4J's MSE does. */
    MSE("mse");

    /** {@code keras.backend.epsilon()}, Keras's clip for probabilities. */
    public static final double KERAS_EPSILON = 1e-7;

    private final String kerasName;

    KerasLoss(String kerasName) {
        this.kerasName = kerasName;
    }

    @JsonValue
    public String kerasName() {
        return kerasName;
    }

    /** DL4J's loss function for an output layer of {@code outputs} units. */
    public ILossFunction dl4j(int outputs) {
        return switch (this) {
            case CATEGORICAL_CROSSENTROPY, CATEGORICAL_CROSSENTROPY_FROM_LOGITS -> new LossMCXENT();
            case BINARY_CROSSENTROPY ->
                new LossBinaryXENT(
                        KERAS_EPSILON, Nd4j.valueArrayOf(new long[] {1, outputs}, 1.0 / outputs, DataType.FLOAT));
            case MSE -> new LossMSE();
        };
    }

    /** Whether the model gives logits and the loss applies the softmax (Keras's {@code from_logits=True}). */
    public boolean fromLogits() {
        return this == CATEGORICAL_CROSSENTROPY_FROM_LOGITS;
    }

    /** The loss Keras calls {@code name}, e.g. {@code "categorical_crossentropy"}. */
    @JsonCreator
    public static KerasLoss of(String name) {
        return Arrays.stream(values())
                .filter(l -> l.kerasName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unsupported loss '" + name + "'; use one of "
                        + Arrays.stream(values()).map(KerasLoss::kerasName).toList()));
    }
}
