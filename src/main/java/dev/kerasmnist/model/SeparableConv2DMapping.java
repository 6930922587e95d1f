package dev.kerasmnist.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SeparableConv2D: DL4J's SeparableConvolution2D on NCHW maps. Its depthwise kernel "W" is [m, in, kh, kw] and its
 * pointwise kernel "pW" [out, in m, 1, 1] (each the op's (kh, kw, ., .) layout permuted by (3, 2, 0, 1), as the
 * layer undoes); in ONNX a grouped Conv then a 1x1 Conv.
 */
final class SeparableConv2DMapping implements Dl4jMapping<SeparableConv2DSpec> {
    @Override
    public Piece build(SeparableConv2DSpec conv, Input in) {
        SeparableConvolution2D layer = new SeparableConvolution2D.Builder(
                        conv.kernelSize().array(), conv.strides().array())
                .convolutionMode(Conv2DMapping.mode(conv.padding()))
                // its builder leaves the format null, which MultiLayerNetwork.output takes for "not NCHW" and
                // permutes the maps coming from an NCHW layer
                .dataFormat(CNN2DFormat.NCHW)
                .depthMultiplier(conv.depthMultiplier())
                .nIn(conv.dataFormat().channels(in.shape()))
                .nOut(conv.filters())
                .hasBias(conv.useBias())
                .activation(conv.activation().dl4j())
                .build();
        return in.onImage(conv.kerasClass(), conv.dataFormat(), layer);
    }

    @Override
    public void setWeights(SeparableConv2DSpec conv, Layer dl4j, List<INDArray> w, int[] order) {
        Dl4jParams.set(dl4j, "W", w.get(0).permute(3, 2, 0, 1));
        Dl4jParams.set(dl4j, "pW", w.get(1).permute(3, 2, 0, 1));
        if (conv.useBias()) {
            Dl4jParams.set(dl4j, "b", w.get(2));
        }
    }

    @Override
    public List<INDArray> kerasWeights(SeparableConv2DSpec conv, Layer dl4j, int[] order) {
        List<INDArray> w = new ArrayList<>();
        w.add(dl4j.getParam("W").permute(2, 3, 1, 0).dup('c'));
        w.add(dl4j.getParam("pW").permute(2, 3, 1, 0).dup('c'));
        if (conv.useBias()) {
            w.add(Dl4jParams.flat(dl4j.getParam("b")));
        }
        return w;
    }

    @Override
    public OnnxGraph.Value onnx(SeparableConv2DSpec conv, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.nchw(in.value(), conv.dataFormat());
        String depthwise = DepthwiseConv2DMapping.depthwise(
                g, x, conv.dataFormat(), in.weight(0), null, conv.kernelSize(), conv.strides(), conv.padding());
        List<String> inputs = new ArrayList<>(
                List.of(depthwise, g.constant("pointwise_kernel", in.weight(1).permute(3, 2, 0, 1))));
        if (conv.useBias()) {
            inputs.add(g.constant("bias", in.weight(2)));
        }
        String y = g.node("Conv", inputs, OnnxGraph.ints("kernel_shape", 1, 1));
        return g.activation(x.to(y, in.out()), conv.activation(), conv);
    }
}
