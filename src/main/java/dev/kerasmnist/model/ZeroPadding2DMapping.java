package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;

/** ZeroPadding2D: DL4J's ZeroPaddingLayer on NCHW maps. */
final class ZeroPadding2DMapping implements Dl4jMapping<ZeroPadding2DSpec> {
    @Override
    public Piece build(ZeroPadding2DSpec padding, Input in) {
        ZeroPaddingLayer layer =
                new ZeroPaddingLayer.Builder(padding.top(), padding.bottom(), padding.left(), padding.right()).build();
        return in.onImage(padding.kerasClass(), padding.dataFormat(), layer);
    }

    @Override
    public OnnxGraph.Value onnx(ZeroPadding2DSpec padding, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.nchw(in.value(), padding.dataFormat());
        String pads = g.int64s("pads", 0, 0, padding.top(), padding.left(), 0, 0, padding.bottom(), padding.right());
        return x.to(g.node("Pad", List.of(x.name(), pads)), in.out()); // constant mode, zeros
    }
}
