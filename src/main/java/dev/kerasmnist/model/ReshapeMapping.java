package dev.kerasmnist.model;

import java.util.Arrays;
import java.util.List;

/** Reshape: to a vector, a Flatten; of flat values, nothing (the next layer reads them in the new shape). */
final class ReshapeMapping implements Dl4jMapping<ReshapeSpec> {
    @Override
    public Piece build(ReshapeSpec reshape, Input in) {
        if (in.out().length == 1) {
            return FlattenMapping.flatten(reshape, in, false);
        }
        if (in.flow().form() != Form.FLAT) {
            throw new IllegalArgumentException("Reshape of " + Arrays.toString(in.shape()) + " to "
                    + Arrays.toString(in.out()) + ": only flat values can be reshaped");
        }
        return Piece.none(in.flow()); // flat values keep their order
    }

    @Override
    public OnnxGraph.Value onnx(ReshapeSpec reshape, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.keras(in.value());
        long[] shape = new long[in.out().length + 1]; // 0: the batch axis as it is
        for (int i = 0; i < in.out().length; i++) {
            shape[i + 1] = in.out()[i];
        }
        return x.to(g.node("Reshape", List.of(x.name(), g.int64s("shape", shape))), in.out());
    }
}
