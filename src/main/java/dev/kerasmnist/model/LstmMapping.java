package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.preprocessors.PermutePreprocessor;
import org.deeplearning4j.preprocessors.ReshapePreprocessor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * LSTM: DL4J's LSTM over NWC sequences, wrapped in LastTimeStep unless it returns sequences. Keras's gates are
 * i, f, c, o; DL4J's c, f, o, i (DL4J's own KerasLSTM permutes them alike).
 */
final class LstmMapping implements Dl4jMapping<LstmSpec> {
    private static final int[] KERAS_TO_DL4J_GATES = {2, 1, 3, 0};
    private static final int[] DL4J_TO_KERAS_GATES = {3, 1, 0, 2};

    @Override
    public Piece build(LstmSpec lstm, Input in) {
        boolean ncw = in.flow().form() == Form.NCW;
        LSTM cell = cell(lstm, in.shape()[1], ncw ? RNNFormat.NCW : RNNFormat.NWC);
        InputPreProcessor before = ncw ? null : sequence(lstm, in);
        if (!lstm.returnSequences()) {
            return new Piece(new LastTimeStep(cell), before, in.flow().flat(null));
        }
        return new Piece(cell, before, ncw ? in.flow().ncw() : in.flow().sequence());
    }

    /**
     * DL4J's LSTM over sequences of {@code features}: NWC, or NCW after a Conv1D. Never a permute between two
     * sequence layers: DL4J 1.0.0-M2.1 permutes between layers of different sequence formats itself at inference
     * ({@code MultiLayerNetwork.outputOfLayerDetached}) but not in training, so a preprocessor would be right in one
     * and wrong in the other.
     */
    static LSTM cell(LstmSpec lstm, long features, RNNFormat format) {
        return new LSTM.Builder()
                .nIn(features)
                .nOut(lstm.units())
                .activation(lstm.activation().dl4j())
                .gateActivationFunction(lstm.recurrentActivation().dl4j())
                .dataFormat(format)
                .build();
    }

    /**
     * The rows of flat values as an NWC sequence (timesteps, features), as they are; a Conv1D's NCW sequence
     * permuted; null for an NWC sequence already.
     */
    static InputPreProcessor sequence(LayerSpec layer, Input in) {
        if (in.flow().form() == Form.NCW) {
            return new PermutePreprocessor(0, 2, 1);
        } else if (in.flow().form() == Form.FLAT) {
            return new ReshapePreprocessor(
                    new long[] {Shapes.product(in.shape())}, new long[] {in.shape()[0], in.shape()[1]}, false);
        } else if (in.flow().form() != Form.SEQUENCE) {
            throw new IllegalArgumentException(layer.kerasClass() + " on feature maps: give it (timesteps, features)");
        }
        return null;
    }

    @Override
    public void setWeights(LstmSpec lstm, Layer dl4j, List<INDArray> w, int[] order) {
        setWeights(dl4j, "", w);
    }

    /** Keras's kernel, recurrent_kernel and bias into DL4J's parameters {@code prefix}W, RW, b. */
    static void setWeights(Layer dl4j, String prefix, List<INDArray> w) {
        Dl4jParams.set(dl4j, prefix + "W", gates(w.get(0), KERAS_TO_DL4J_GATES));
        Dl4jParams.set(dl4j, prefix + "RW", gates(w.get(1), KERAS_TO_DL4J_GATES));
        Dl4jParams.set(dl4j, prefix + "b", gates(w.get(2).reshape(1, w.get(2).length()), KERAS_TO_DL4J_GATES));
    }

    @Override
    public List<INDArray> kerasWeights(LstmSpec lstm, Layer dl4j, int[] order) {
        return kerasWeights(dl4j, "");
    }

    /** DL4J's parameters {@code prefix}W, RW, b as Keras's kernel, recurrent_kernel and bias. */
    static List<INDArray> kerasWeights(Layer dl4j, String prefix) {
        INDArray b = dl4j.getParam(prefix + "b");
        return List.of(
                gates(dl4j.getParam(prefix + "W"), DL4J_TO_KERAS_GATES),
                gates(dl4j.getParam(prefix + "RW"), DL4J_TO_KERAS_GATES),
                Dl4jParams.flat(gates(b.reshape(1, b.length()), DL4J_TO_KERAS_GATES)));
    }

    /** The four column blocks of {@code m} in the order {@code from}: block j of the result is block from[j]. */
    private static INDArray gates(INDArray m, int[] from) {
        long units = m.size(1) / 4;
        INDArray out = Nd4j.create(DataType.FLOAT, m.shape());
        for (int j = 0; j < 4; j++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(j * units, (j + 1) * units))
                    .assign(m.get(NDArrayIndex.all(), NDArrayIndex.interval(from[j] * units, (from[j] + 1) * units)));
        }
        return out;
    }

    /**
     * One direction's ONNX W [1, 4h, features], R [1, 4h, h] and B [1, 8h] from Keras's kernel, recurrent_kernel and
     * bias: Keras's gates i, f, c, o, ONNX's i, o, f, c; Keras has one bias, ONNX an input and a recurrent one.
     */
    static INDArray[] onnxWeights(LstmSpec lstm, long features, List<INDArray> keras) {
        int h = lstm.units();
        INDArray w = OnnxGraph.blocks(keras.get(0).transpose(), h, 0, 3, 1, 2).reshape(1, 4L * h, features);
        INDArray r = OnnxGraph.blocks(keras.get(1).transpose(), h, 0, 3, 1, 2).reshape(1, 4L * h, h);
        INDArray b =
                OnnxGraph.blocks(keras.get(2).reshape(4L * h, 1), h, 0, 3, 1, 2).reshape(1, 4L * h);
        INDArray bias = Nd4j.concat(1, b.castTo(DataType.FLOAT), Nd4j.zeros(DataType.FLOAT, 1, 4L * h));
        return new INDArray[] {w, r, bias};
    }

    @Override
    public OnnxGraph.Value onnx(LstmSpec lstm, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.keras(in.value()); // [N, T, F]
        int h = lstm.units();
        long features = in.value().shape()[1];
        INDArray[] wrb = onnxWeights(lstm, features, in.weights().subList(0, 3));
        String gate = OnnxGraph.recurrentActivation(lstm.recurrentActivation(), lstm);
        String act = OnnxGraph.recurrentActivation(lstm.activation(), lstm);
        String seq = g.node("Transpose", List.of(x.name()), OnnxGraph.ints("perm", 1, 0, 2));
        List<String> out = g.nodes(
                "LSTM",
                List.of(seq, g.constant("W", wrb[0]), g.constant("R", wrb[1]), g.constant("B", wrb[2])),
                2,
                OnnxGraph.attr("hidden_size", h),
                OnnxGraph.strings("activations", List.of(gate, act, act)));
        return OnnxGraph.recurrentOutput(g, out, lstm.returnSequences(), in.out());
    }
}
