package dev.kerasmnist.model;

import java.util.ServiceLoader;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Where this package installs the fast path into every network it builds or loads, without depending on
 * {@code model.fast}, which depends on this package: {@code model.fast} names its {@link Provider} in
 * {@code META-INF/services}, and the JVM's {@link ServiceLoader} finds it.
 */
public final class FastPathHook {
    /** Installs faster run-time layers into a network, sharing its arrays; its configuration stays stock DL4J. */
    public interface Provider {
        MultiLayerNetwork install(MultiLayerNetwork net, EpsilonPlacement epsilon);

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

    static ComputationGraph install(ComputationGraph graph) {
        return PROVIDER.install(graph);
    }
}
