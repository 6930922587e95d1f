package dev.kerasmnist.model;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;

/** Activation (and ReLU, Softmax): DL4J's ActivationLayer. */
final class ActivationMapping implements Dl4jMapping<ActivationSpec> {
    @Override
    public Piece build(ActivationSpec activation, Input in) {
        return new Piece(
                new ActivationLayer.Builder()
                        .activation(activation.activation().dl4j())
                        .build(),
                null,
                in.flow());
    }

    @Override
    public OnnxGraph.Value onnx(ActivationSpec activation, OnnxGraph g, OnnxGraph.In in) {
        return g.activation(in.value(), activation.activation(), activation);
    }
}
