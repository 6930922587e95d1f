package dev.kerasmnist.model;

import java.util.Arrays;

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
}
