package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;

/** Cropping2D: DL4J's Cropping2D on NCHW maps; in ONNX a Slice of the rows and columns. */
final class Cropping2DMapping implements Dl4jMapping<Cropping2DSpec> {
    @Override
    public Piece build(Cropping2DSpec crop, Input in) {
        Cropping2D layer = new Cropping2D.Builder(crop.top(), crop.bottom(), crop.left(), crop.right()).build();
        return in.onImage(crop.kerasClass(), crop.dataFormat(), layer);
    }

    @Override
    public OnnxGraph.Value onnx(Cropping2DSpec crop, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.nchw(in.value(), crop.dataFormat());
        int[] chw = OnnxGraph.chw(x.shape(), crop.dataFormat());
        String y = g.node(
                "Slice",
                List.of(
                        x.name(),
                        g.int64s("starts", crop.top(), crop.left()),
                        g.int64s("ends", chw[1] - crop.bottom(), chw[2] - crop.right()),
                        g.int64s("axes", 2, 3)));
        return x.to(y, in.out());
    }
}
