package dev.kerasmnist.model;

import java.util.ServiceLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where this package installs the fast path into every network it builds or loads, and runs a graph's inference
 * through it ({@link Networks#output}), without depending on
 * {@code model.fast}, which depends on this package: {@code model.fast} names its {@link Provider} in
 * {@code META-INF/services}, and the JVM's {@link ServiceLoader} finds it.
 */
public final class FastPathHook {
    /** Installs faster run-time layers into a network, sharing its arrays; its configuration stays stock DL4J. */
    public interface Provider {
        MultiLayerNetwork install(MultiLayerNetwork net, EpsilonPlacement epsilon);

        /** The graph's inference output for one batch, as {@code graph.outputSingle(false, input)} computes it. */
        INDArray output(ComputationGraph graph, INDArray input);

        /** A chain's inference output for a few images, or null where DL4J's own {@code output} computes it. */
        INDArray output(MultiLayerNetwork net, INDArray input);

        /**
         * A chain's inference output for {@code input}, as {@code predict} and {@code serve} compute it, written into
         * {@code into} row after row; false (nothing written) where {@link #output(MultiLayerNetwork, INDArray)}
         * or DL4J's own {@code output} computes it.
         */
        boolean predict(MultiLayerNetwork net, INDArray input, float[] into);

        /** A graph's run-time layers that must differ from DL4J's (a frozen BatchNormalization), sharing its arrays. */
        ComputationGraph install(ComputationGraph graph);
    }

    // a build without model.fast would train differently (and could not place epsilon as Keras 3 does): refused
    private static final Provider PROVIDER = ServiceLoader.load(Provider.class)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no fast path on the class path: model.fast's"
                    + " META-INF/services/" + Provider.class.getName() + " is missing"));

    private FastPathHook() {}

    static MultiLayerNetwork install(MultiLayerNetwork net, EpsilonPlacement epsilon) {
        return PROVIDER.install(net, epsilon);
    }

    static INDArray output(ComputationGraph graph, INDArray input) {
        return PROVIDER.output(graph, input);
    }

    static INDArray output(MultiLayerNetwork net, INDArray input) {
        return PROVIDER.output(net, input);
    }

    static boolean predict(MultiLayerNetwork net, INDArray input, float[] into) {
        return PROVIDER.predict(net, input, into);
    }

    static ComputationGraph install(ComputationGraph graph) {
        return PROVIDER.install(graph);
    }
}
