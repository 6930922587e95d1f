package dev.kerasmnist.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Dense: DL4J's DenseLayer, or its OutputLayer as the last layer (DL4J puts the loss there, Keras on the model). */
final class DenseMapping implements Dl4jMapping<DenseSpec> {
    @Override
    public Piece build(DenseSpec dense, Input in) {
        if (in.flow().form() == Form.SEQUENCE || in.flow().form() == Form.NCW) {
            throw new IllegalArgumentException("Dense after a sequence: add LSTM(return_sequences=False)");
        }
        org.deeplearning4j.nn.conf.layers.Layer layer = in.last()
                ? new OutputLayer.Builder(in.spec().loss().dl4j(dense.units()))
                        .nIn(in.shape()[0])
                        .nOut(dense.units())
                        .hasBias(dense.useBias())
                        .activation(outputActivation(in.spec(), dense.activation()))
                        .build()
                : new DenseLayer.Builder()
                        .nIn(in.shape()[0])
                        .nOut(dense.units())
                        .hasBias(dense.useBias())
                        .activation(dense.activation().dl4j())
                        .build();
        return new Piece(layer, null, in.flow().flat(null));
    }

    /**
     * The last layer's activation in DL4J: a linear layer giving logits for a from-logits loss applies the softmax
     * that Keras's loss would (the same loss and gradient), so the network gives probabilities.
     */
    static org.nd4j.linalg.activations.IActivation outputActivation(ModelSpec spec, KerasActivation activation) {
        if (spec.loss().fromLogits()) {
            if (activation != KerasActivation.LINEAR) {
                throw new IllegalArgumentException(
                        "a from_logits loss needs a linear last layer (logits), not " + activation.kerasName());
            }
            return KerasActivation.SOFTMAX.dl4j();
        }
        return activation.dl4j();
    }

    /** The kernel's rows follow the features: after a Flatten of channels-last maps, DL4J's (c, h, w) order. */
    @Override
    public void setWeights(DenseSpec dense, Layer dl4j, List<INDArray> w, int[] order) {
        INDArray kernel = w.get(0).castTo(DataType.FLOAT);
        Dl4jParams.set(dl4j, "W", order == null ? kernel : kernel.getRows(order));
        if (dense.useBias()) {
            Dl4jParams.set(dl4j, "b", w.get(1));
        }
    }

    @Override
    public List<INDArray> kerasWeights(DenseSpec dense, Layer dl4j, int[] order) {
        INDArray kernel = dl4j.getParam("W").dup();
        INDArray keras = order == null ? kernel : kernel.getRows(Dl4jParams.inverse(order));
        return dense.useBias() ? List.of(keras, Dl4jParams.flat(dl4j.getParam("b"))) : List.of(keras);
    }

    @Override
    public OnnxGraph.Value onnx(DenseSpec dense, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = in.value();
        List<String> inputs = new ArrayList<>(List.of(x.name(), g.constant("kernel", in.weight(0))));
        if (dense.useBias()) {
            inputs.add(g.constant("bias", in.weight(1)));
        }
        String y = g.node("Gemm", inputs); // C is optional: without it, x W
        return g.activation(x.to(y, in.out()), dense.activation(), dense);
    }
}
