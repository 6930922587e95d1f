package dev.kerasmnist.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Conv2D: DL4J's ConvolutionLayer on NCHW maps; the kernel goes from Keras's (kh, kw, in, out) to [out, in, kh, kw]. */
final class Conv2DMapping implements Dl4jMapping<Conv2DSpec> {
    @Override
    public Piece build(Conv2DSpec conv, Input in) {
        // glorot_uniform has Keras's fans in DL4J's ConvolutionParamInitializer (fan_in = channels_in * k * k,
        // fan_out = filters * k * k / strides)
        ConvolutionLayer layer = new ConvolutionLayer.Builder(
                        conv.kernelSize().array(), conv.strides().array())
                .convolutionMode(mode(conv.padding()))
                .dilation(conv.dilationRate().rows(), conv.dilationRate().cols())
                .nIn(conv.dataFormat().channels(in.shape()))
                .nOut(conv.filters())
                .hasBias(conv.useBias())
                .activation(conv.activation().dl4j())
                .build();
        return in.onImage(conv.kerasClass(), conv.dataFormat(), layer);
    }

    /**
     * Keras's 'valid' is DL4J's Truncate (no padding, partial windows dropped), 'same' DL4J's Same (TF's padding:
     * the odd row or column at the bottom and right).
     */
    static ConvolutionMode mode(Padding padding) {
        return padding == Padding.VALID ? ConvolutionMode.Truncate : ConvolutionMode.Same;
    }

    @Override
    public void setWeights(Conv2DSpec conv, Layer dl4j, List<INDArray> w, int[] order) {
        Dl4jParams.set(dl4j, "W", w.get(0).permute(3, 2, 0, 1)); // (kh, kw, in, out) -> [out, in, kh, kw]
        if (conv.useBias()) {
            Dl4jParams.set(dl4j, "b", w.get(1));
        }
    }

    @Override
    public List<INDArray> kerasWeights(Conv2DSpec conv, Layer dl4j, int[] order) {
        List<INDArray> w = new ArrayList<>();
        w.add(dl4j.getParam("W").permute(2, 3, 1, 0).dup('c'));
        if (conv.useBias()) {
            w.add(Dl4jParams.flat(dl4j.getParam("b")));
        }
        return w;
    }

    @Override
    public OnnxGraph.Value onnx(Conv2DSpec conv, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.nchw(in.value(), conv.dataFormat());
        List<String> inputs = new ArrayList<>(
                List.of(x.name(), g.constant("kernel", in.weight(0).permute(3, 2, 0, 1))));
        if (conv.useBias()) {
            inputs.add(g.constant("bias", in.weight(1)));
        }
        long[] p = OnnxGraph.pads(
                conv.padding(), OnnxGraph.chw(x.shape(), conv.dataFormat()), conv.span(), conv.strides());
        String y = g.node(
                "Conv",
                inputs,
                OnnxGraph.ints(
                        "kernel_shape",
                        conv.kernelSize().rows(),
                        conv.kernelSize().cols()),
                OnnxGraph.ints("strides", conv.strides().rows(), conv.strides().cols()),
                OnnxGraph.ints("pads", p),
                OnnxGraph.ints(
                        "dilations",
                        conv.dilationRate().rows(),
                        conv.dilationRate().cols()));
        return g.activation(x.to(y, in.out()), conv.activation(), conv);
    }
}
