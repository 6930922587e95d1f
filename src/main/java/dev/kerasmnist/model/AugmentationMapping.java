package dev.kerasmnist.model;

/** Augmentation and noise layers: nothing in DL4J or ONNX, since at inference they pass their input through. */
final class AugmentationMapping implements Dl4jMapping<AugmentationSpec> {
    @Override
    public Piece build(AugmentationSpec layer, Input in) {
        return Piece.none(in.flow());
    }

    @Override
    public OnnxGraph.Value onnx(AugmentationSpec layer, OnnxGraph g, OnnxGraph.In in) {
        return in.value();
    }
}
