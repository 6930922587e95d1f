package dev.kerasmnist.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;
import org.deeplearning4j.preprocessors.PermutePreprocessor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Conv1D: DL4J's Convolution1DLayer on NCW sequences, its output an NCW sequence ({@link Dl4jMapping.Form#NCW}).
 * NCW, not the NWC the recurrent layers take, because in DL4J 1.0.0-M2.1 its NWC backprop writes the kernel's
 * gradient permuted ([k, in, out]) where its forward pass reads the kernel reshaped (the same [out, in, k, 1] values
 * read as [k, in, out] in C order): trained, an NWC layer would move the wrong weights. That reading is also why the
 * Keras kernel {@code (k, in, out)} goes in as it is, only reshaped.
 */
final class Conv1DMapping implements Dl4jMapping<Conv1DSpec> {
    @Override
    public Piece build(Conv1DSpec conv, Input in) {
        if (in.flow().form() == Form.SEQUENCE) {
            // an NCW Conv1D after an NWC recurrent layer: see LstmMapping.cell
            throw new IllegalArgumentException("Conv1D after a recurrent layer's sequence: DL4J 1.0.0-M2.1 permutes"
                    + " between them when predicting but not when training; put the Conv1D first");
        }
        Convolution1DLayer layer = new Convolution1DLayer.Builder(conv.kernelSize(), conv.strides())
                .convolutionMode(
                        switch (conv.padding()) {
                            case VALID -> ConvolutionMode.Truncate;
                            case SAME -> ConvolutionMode.Same; // TF's split, as Conv2DMapping says
                            case CAUSAL -> ConvolutionMode.Causal;
                        })
                .dilation(conv.dilationRate())
                .rnnDataFormat(RNNFormat.NCW)
                .nIn(in.shape()[1])
                .nOut(conv.filters())
                .hasBias(conv.useBias())
                .activation(conv.activation().dl4j())
                .build();
        return new Piece(layer, ncw(conv, in), in.flow().ncw());
    }

    /** What reads the input as an NCW sequence: flat values reshaped then permuted, NWC permuted, NCW as it is. */
    static InputPreProcessor ncw(LayerSpec layer, Input in) {
        if (in.flow().form() == Form.NCW) {
            return null;
        }
        InputPreProcessor nwc = LstmMapping.sequence(layer, in);
        InputPreProcessor permute = new PermutePreprocessor(0, 2, 1);
        return nwc == null ? permute : new ComposableInputPreProcessor(nwc, permute);
    }

    @Override
    public void setWeights(Conv1DSpec conv, Layer dl4j, List<INDArray> w, int[] order) {
        Dl4jParams.set(dl4j, "W", w.get(0)); // (k, in, out) in C order: see the class comment
        if (conv.useBias()) {
            Dl4jParams.set(dl4j, "b", w.get(1));
        }
    }

    @Override
    public List<INDArray> kerasWeights(Conv1DSpec conv, Layer dl4j, int[] order) {
        INDArray kernel = dl4j.getParam("W");
        List<INDArray> w = new ArrayList<>();
        w.add(kernel.dup('c').reshape('c', conv.kernelSize(), kernel.size(1), conv.filters()));
        if (conv.useBias()) {
            w.add(Dl4jParams.flat(dl4j.getParam("b")));
        }
        return w;
    }

    /** ONNX's Conv over {@code [N, C, L]}: the sequence transposed, convolved with explicit pads, transposed back. */
    @Override
    public OnnxGraph.Value onnx(Conv1DSpec conv, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.keras(in.value()); // [N, T, C]
        String ncl = g.node("Transpose", List.of(x.name()), OnnxGraph.ints("perm", 0, 2, 1));
        List<String> inputs =
                new ArrayList<>(List.of(ncl, g.constant("kernel", in.weight(0).permute(2, 1, 0))));
        if (conv.useBias()) {
            inputs.add(g.constant("bias", in.weight(1)));
        }
        int[] pads = conv.pads(in.value().shape()[0]);
        String y = g.node(
                "Conv",
                inputs,
                OnnxGraph.ints("kernel_shape", conv.kernelSize()),
                OnnxGraph.ints("strides", conv.strides()),
                OnnxGraph.ints("pads", pads[0], pads[1]),
                OnnxGraph.ints("dilations", conv.dilationRate()));
        String back = g.node("Transpose", List.of(y), OnnxGraph.ints("perm", 0, 2, 1));
        return g.activation(new OnnxGraph.Value(back, in.out(), false), conv.activation(), conv);
    }
}
