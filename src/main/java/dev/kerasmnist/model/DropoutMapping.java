package dev.kerasmnist.model;

import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;

/**
 * Dropout: DL4J's DropoutLayer. Keras's rate is the fraction dropped; DL4J's Dropout takes the fraction kept. Both
 * are inverted dropout (kept values scaled by 1 / keep), active only while training.
 */
final class DropoutMapping implements Dl4jMapping<DropoutSpec> {
    @Override
    public Piece build(DropoutSpec dropout, Input in) {
        DropoutLayer.Builder b = new DropoutLayer.Builder().dropOut(new Dropout(1 - dropout.rate()));
        return new Piece(
                in.flow().form() == Form.FLAT
                        ? b.nIn(in.shape()[0]).nOut(in.shape()[0]).build()
                        : b.build(),
                null,
                in.flow());
    }

    @Override
    public OnnxGraph.Value onnx(DropoutSpec dropout, OnnxGraph g, OnnxGraph.In in) {
        return in.value(); // inference: Dropout passes its input through
    }
}
