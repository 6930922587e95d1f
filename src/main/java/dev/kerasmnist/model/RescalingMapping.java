package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.NoOp;

/** Rescaling: {@code x * W + b} per feature with constant W and b, DL4J's NoOp updater: Keras does not train it. */
final class RescalingMapping implements Dl4jMapping<RescalingSpec> {
    @Override
    public Piece build(RescalingSpec rescaling, Input in) {
        if (in.flow().form() != Form.FLAT) {
            throw new IllegalArgumentException("Rescaling of feature maps: only of the input or flat values");
        }
        return new Piece(scale(Shapes.product(in.shape())), null, in.flow());
    }

    @Override
    public void setConstants(RescalingSpec rescaling, Layer dl4j) {
        dl4j.getParam("W").assign(rescaling.scale());
        dl4j.getParam("b").assign(rescaling.offset());
    }

    /** {@code x * W + b} per feature over {@code n} features, not trained (also the model's input scale). */
    static ElementWiseMultiplicationLayer scale(int n) {
        return new ElementWiseMultiplicationLayer.Builder()
                .nIn(n)
                .nOut(n)
                .activation(Activation.IDENTITY)
                .updater(new NoOp())
                .build();
    }

    @Override
    public OnnxGraph.Value onnx(RescalingSpec rescaling, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = in.value();
        OnnxGraph.Value y = x.to(g.node("Mul", List.of(x.name(), g.scalar("scale", rescaling.scale()))), in.out());
        return rescaling.offset() == 0
                ? y
                : y.to(g.node("Add", List.of(y.name(), g.scalar("offset", rescaling.offset()))), in.out());
    }
}
