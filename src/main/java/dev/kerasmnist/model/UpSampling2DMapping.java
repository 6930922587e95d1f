package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;

/**
 * UpSampling2D: DL4J's Upsampling2D on NCHW maps. In ONNX each pixel is broadcast into a block and the blocks
 * reshaped back into maps, which moves values and computes nothing (Resize's coordinate arithmetic would be exact
 * too, but this needs no argument about rounding).
 */
final class UpSampling2DMapping implements Dl4jMapping<UpSampling2DSpec> {
    @Override
    public Piece build(UpSampling2DSpec up, Input in) {
        Upsampling2D layer = new Upsampling2D.Builder()
                .size(new int[] {up.size().rows(), up.size().cols()})
                .build();
        return in.onImage(up.kerasClass(), up.dataFormat(), layer);
    }

    @Override
    public OnnxGraph.Value onnx(UpSampling2DSpec up, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.nchw(in.value(), up.dataFormat());
        int[] chw = OnnxGraph.chw(x.shape(), up.dataFormat());
        int r = up.size().rows();
        int c = up.size().cols();
        // [N, C, H, 1, W, 1] -> [N, C, H, r, W, c] -> [N, C, H r, W c]; 0 keeps the batch axis as it is
        String cells = g.node("Reshape", List.of(x.name(), g.int64s("cells", 0, chw[0], chw[1], 1, chw[2], 1)));
        String blocks = g.node("Expand", List.of(cells, g.int64s("blocks", 1, 1, 1, r, 1, c)));
        String y = g.node("Reshape", List.of(blocks, g.int64s("shape", 0, chw[0], chw[1] * r, chw[2] * c)));
        return x.to(y, in.out());
    }
}
