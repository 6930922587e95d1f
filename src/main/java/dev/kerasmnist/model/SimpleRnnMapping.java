package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.params.SimpleRnnParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** SimpleRNN: DL4J's SimpleRnn over NWC sequences (NCW after a Conv1D) (the same formula and layout), LastTimeStep unless sequences. */
final class SimpleRnnMapping implements Dl4jMapping<SimpleRnnSpec> {
    @Override
    public Piece build(SimpleRnnSpec rnn, Input in) {
        boolean ncw = in.flow().form() == Form.NCW; // kept as it is: see LstmMapping.cell
        var before = ncw ? null : LstmMapping.sequence(rnn, in);
        SimpleRnn cell = new SimpleRnn.Builder()
                .nIn(in.shape()[1])
                .nOut(rnn.units())
                .activation(rnn.activation().dl4j())
                .dataFormat(ncw ? RNNFormat.NCW : RNNFormat.NWC)
                .build();
        if (!rnn.returnSequences()) {
            return new Piece(new LastTimeStep(cell), before, in.flow().flat(null));
        }
        return new Piece(cell, before, ncw ? in.flow().ncw() : in.flow().sequence());
    }

    @Override
    public void setWeights(SimpleRnnSpec rnn, Layer dl4j, List<INDArray> w, int[] order) {
        Dl4jParams.set(dl4j, SimpleRnnParamInitializer.WEIGHT_KEY, w.get(0));
        Dl4jParams.set(dl4j, SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY, w.get(1));
        Dl4jParams.set(dl4j, SimpleRnnParamInitializer.BIAS_KEY, w.get(2));
    }

    @Override
    public List<INDArray> kerasWeights(SimpleRnnSpec rnn, Layer dl4j, int[] order) {
        return List.of(
                dl4j.getParam(SimpleRnnParamInitializer.WEIGHT_KEY).dup(),
                dl4j.getParam(SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY).dup(),
                Dl4jParams.flat(dl4j.getParam(SimpleRnnParamInitializer.BIAS_KEY)));
    }

    @Override
    public OnnxGraph.Value onnx(SimpleRnnSpec rnn, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.keras(in.value()); // [N, T, F]
        int h = rnn.units();
        INDArray w = in.weight(0).transpose().reshape(1, h, in.value().shape()[1]);
        INDArray r = in.weight(1).transpose().reshape(1, h, h);
        INDArray bias =
                Nd4j.concat(1, in.weight(2).castTo(DataType.FLOAT).reshape(1, h), Nd4j.zeros(DataType.FLOAT, 1, h));
        String seq = g.node("Transpose", List.of(x.name()), OnnxGraph.ints("perm", 1, 0, 2));
        List<String> out = g.nodes(
                "RNN",
                List.of(seq, g.constant("W", w), g.constant("R", r), g.constant("B", bias)),
                2,
                OnnxGraph.attr("hidden_size", h),
                OnnxGraph.strings("activations", List.of(OnnxGraph.recurrentActivation(rnn.activation(), rnn))));
        return OnnxGraph.recurrentOutput(g, out, rnn.returnSequences(), in.out());
    }
}
