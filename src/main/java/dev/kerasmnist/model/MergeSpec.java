package dev.kerasmnist.model;

import java.util.List;

/** A layer that joins branches of a Functional graph: it takes two or more layers' outputs. */
public sealed interface MergeSpec extends LayerSpec permits AddSpec, ConcatenateSpec, ElementWiseSpec {
    /** Keras's {@code compute_output_shape} of its inputs' shapes. */
    int[] outputShape(List<int[]> inputs);

    @Override
    default int[] outputShape(int[] input, DataFormat format) {
        return outputShape(List.of(input));
    }
}
