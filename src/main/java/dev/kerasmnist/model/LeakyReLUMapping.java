package dev.kerasmnist.model;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.nd4j.linalg.activations.impl.ActivationLReLU;

/** LeakyReLU: DL4J's ActivationLayer with its LReLU of the same slope. */
final class LeakyReLUMapping implements Dl4jMapping<LeakyReLUSpec> {
    @Override
    public Piece build(LeakyReLUSpec leaky, Input in) {
        return new Piece(
                new ActivationLayer.Builder()
                        .activation(new ActivationLReLU(leaky.negativeSlope()))
                        .build(),
                null,
                in.flow());
    }

    @Override
    public OnnxGraph.Value onnx(LeakyReLUSpec leaky, OnnxGraph g, OnnxGraph.In in) {
        return g.unary("LeakyRelu", in.value(), OnnxGraph.attr("alpha", leaky.negativeSlope()));
    }
}
