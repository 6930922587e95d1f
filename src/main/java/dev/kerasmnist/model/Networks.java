package dev.kerasmnist.model;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inference on either of DL4J's network types, which share no output method: {@link MultiLayerNetwork} (Sequential
 * models and Functional chains) and {@link ComputationGraph} (Functional graphs with residual Add).
 */
public final class Networks {
    private Networks() {}

    /** The network's output for {@code input} (inference mode: no dropout, batch statistics fixed). */
    public static INDArray output(Model net, INDArray input) {
        if (net instanceof MultiLayerNetwork m) {
            return m.output(input, false);
        }
        if (net instanceof ComputationGraph g) {
            return g.outputSingle(false, input);
        }
        throw new IllegalArgumentException(
                "not a DL4J network: " + net.getClass().getName());
    }

    /** Why {@code net} cannot classify MNIST images, or null when it can. */
    public static String mnistProblem(Model net) {
        return net instanceof ComputationGraph g
                ? ModelShape.mnistProblem(g)
                : ModelShape.mnistProblem((MultiLayerNetwork) net);
    }
}
