package dev.kerasmnist.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DepthwiseConv2D: DL4J's DepthwiseConvolution2D on NCHW maps, whose kernel is Keras's own (kh, kw, in,
 * multiplier) and whose output channels come in Keras's order; in ONNX a Conv with one group per input channel.
 */
final class DepthwiseConv2DMapping implements Dl4jMapping<DepthwiseConv2DSpec> {
    @Override
    public Piece build(DepthwiseConv2DSpec conv, Input in) {
        int channels = conv.dataFormat().channels(in.shape());
        DepthwiseConvolution2D layer = new DepthwiseConvolution2D.Builder(
                        conv.kernelSize().array(), conv.strides().array())
                .convolutionMode(Conv2DMapping.mode(conv.padding()))
                .depthMultiplier(conv.depthMultiplier())
                .nIn(channels)
                .nOut((long) channels * conv.depthMultiplier())
                .hasBias(conv.useBias())
                .activation(conv.activation().dl4j())
                .build();
        return in.onImage(conv.kerasClass(), conv.dataFormat(), layer);
    }

    @Override
    public void setWeights(DepthwiseConv2DSpec conv, Layer dl4j, List<INDArray> w, int[] order) {
        Dl4jParams.set(dl4j, "W", w.get(0));
        if (conv.useBias()) {
            Dl4jParams.set(dl4j, "b", w.get(1));
        }
    }

    @Override
    public List<INDArray> kerasWeights(DepthwiseConv2DSpec conv, Layer dl4j, int[] order) {
        List<INDArray> w = new ArrayList<>();
        w.add(dl4j.getParam("W").dup('c'));
        if (conv.useBias()) {
            w.add(Dl4jParams.flat(dl4j.getParam("b")));
        }
        return w;
    }

    @Override
    public OnnxGraph.Value onnx(DepthwiseConv2DSpec conv, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.nchw(in.value(), conv.dataFormat());
        String y = depthwise(
                g,
                x,
                conv.dataFormat(),
                in.weight(0),
                conv.useBias() ? in.weight(1) : null,
                conv.kernelSize(),
                conv.strides(),
                conv.padding());
        return g.activation(x.to(y, in.out()), conv.activation(), conv);
    }

    /**
     * A depthwise convolution as ONNX's Conv with {@code group} = input channels: Keras's (kh, kw, in, m) kernel as
     * [in m, 1, kh, kw], output channel {@code c m + j} as in Keras.
     */
    static String depthwise(
            OnnxGraph g,
            OnnxGraph.Value x,
            DataFormat format,
            INDArray kernel,
            INDArray bias,
            Size2D size,
            Size2D strides,
            Padding padding) {
        long[] k = kernel.shape();
        INDArray w = kernel.dup('c').reshape('c', k[0], k[1], k[2] * k[3], 1).permute(2, 3, 0, 1);
        List<String> inputs = new ArrayList<>(List.of(x.name(), g.constant("depthwise_kernel", w)));
        if (bias != null) {
            inputs.add(g.constant("bias", bias));
        }
        long[] p = OnnxGraph.pads(padding, OnnxGraph.chw(x.shape(), format), size, strides);
        return g.node(
                "Conv",
                inputs,
                OnnxGraph.ints("kernel_shape", size.rows(), size.cols()),
                OnnxGraph.ints("strides", strides.rows(), strides.cols()),
                OnnxGraph.ints("pads", p),
                OnnxGraph.attr("group", k[2]));
    }
}
