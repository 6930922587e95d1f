package dev.kerasmnist.model.fast;

import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.model.FastPathHook;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** {@link FastPath} as the {@code model} package finds it (META-INF/services), so that it need not import it. */
public final class FastPathProvider implements FastPathHook.Provider {
    @Override
    public MultiLayerNetwork install(MultiLayerNetwork net, EpsilonPlacement epsilon) {
        return FastPath.install(net, epsilon);
    }

    @Override
    public ComputationGraph install(ComputationGraph graph) {
        return FastPath.install(graph);
    }
}
