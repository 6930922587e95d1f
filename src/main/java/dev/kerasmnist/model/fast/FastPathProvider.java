package dev.kerasmnist.model.fast;

import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.model.FastPathHook;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link FastPath} as the {@code model} package finds it (META-INF/services), so that it need not import it. */
public final class FastPathProvider implements FastPathHook.Provider {
    @Override
    public MultiLayerNetwork install(MultiLayerNetwork net, EpsilonPlacement epsilon) {
        return FastPath.install(net, epsilon);
    }

    @Override
    public INDArray output(ComputationGraph graph, INDArray input) {
        return GraphInference.output(graph, input);
    }

    @Override
    public INDArray output(MultiLayerNetwork net, INDArray input) {
        return ChainInference.output(net, input);
    }

    @Override
    public boolean predict(MultiLayerNetwork net, INDArray input, float[] into) {
        return ChainInference.predict(net, input, into);
    }

    @Override
    public ComputationGraph install(ComputationGraph graph) {
        return FastPath.install(graph);
    }
}
