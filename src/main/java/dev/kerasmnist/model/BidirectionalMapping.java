package dev.kerasmnist.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bidirectional(LSTM): DL4J's Bidirectional around the LSTM over NWC sequences; its modes are Keras's merge modes
 * (ADD sum, MUL mul, AVERAGE ave, CONCAT concat, the forward values first). DL4J names the forward LSTM's
 * parameters fW, fRW, fb and the backward one's bW, bRW, bb.
 */
final class BidirectionalMapping implements Dl4jMapping<BidirectionalSpec> {
    @Override
    public Piece build(BidirectionalSpec bi, Input in) {
        var before = LstmMapping.sequence(bi, in);
        Bidirectional.Mode mode =
                switch (bi.mergeMode()) {
                    case CONCAT -> Bidirectional.Mode.CONCAT;
                    case SUM -> Bidirectional.Mode.ADD;
                    case MUL -> Bidirectional.Mode.MUL;
                    case AVE -> Bidirectional.Mode.AVERAGE;
                };
        return new Piece(
                new Bidirectional(mode, LstmMapping.cell(bi.layer(), in.shape()[1], RNNFormat.NWC)),
                before,
                in.flow().sequence());
    }

    @Override
    public void setWeights(BidirectionalSpec bi, Layer dl4j, List<INDArray> w, int[] order) {
        LstmMapping.setWeights(dl4j, "f", w.subList(0, 3));
        LstmMapping.setWeights(dl4j, "b", w.subList(3, 6));
    }

    @Override
    public List<INDArray> kerasWeights(BidirectionalSpec bi, Layer dl4j, int[] order) {
        List<INDArray> out = new ArrayList<>(LstmMapping.kerasWeights(dl4j, "f"));
        out.addAll(LstmMapping.kerasWeights(dl4j, "b"));
        return out;
    }

    /**
     * ONNX's LSTM with direction "bidirectional": W, R, B stack the forward direction's over the backward one's, and
     * Y [T, 2, N, h] holds the backward outputs at their own steps, as Keras turns them back.
     */
    @Override
    public OnnxGraph.Value onnx(BidirectionalSpec bi, OnnxGraph g, OnnxGraph.In in) {
        LstmSpec lstm = bi.layer();
        OnnxGraph.Value x = g.keras(in.value()); // [N, T, F]
        long features = in.value().shape()[1];
        INDArray[] fwd = LstmMapping.onnxWeights(lstm, features, in.weights().subList(0, 3));
        INDArray[] bwd = LstmMapping.onnxWeights(lstm, features, in.weights().subList(3, 6));
        String gate = OnnxGraph.recurrentActivation(lstm.recurrentActivation(), bi);
        String act = OnnxGraph.recurrentActivation(lstm.activation(), bi);
        String seq = g.node("Transpose", List.of(x.name()), OnnxGraph.ints("perm", 1, 0, 2));
        List<String> out = g.nodes(
                "LSTM",
                List.of(
                        seq,
                        g.constant("W", Nd4j.concat(0, fwd[0], bwd[0])),
                        g.constant("R", Nd4j.concat(0, fwd[1], bwd[1])),
                        g.constant("B", Nd4j.concat(0, fwd[2], bwd[2]))),
                2,
                OnnxGraph.attr("hidden_size", lstm.units()),
                OnnxGraph.attr("direction", "bidirectional"),
                OnnxGraph.strings("activations", List.of(gate, act, act, gate, act, act)));
        String y = g.node("Transpose", List.of(out.get(0)), OnnxGraph.ints("perm", 2, 0, 1, 3)); // [N, T, 2, h]
        String merged = y;
        if (bi.mergeMode() != BidirectionalSpec.Merge.CONCAT) {
            String forward = g.node("Gather", List.of(y, g.int64s("forward", 0)), OnnxGraph.attr("axis", 2));
            String backward = g.node("Gather", List.of(y, g.int64s("backward", 1)), OnnxGraph.attr("axis", 2));
            merged = g.node(bi.mergeMode() == BidirectionalSpec.Merge.MUL ? "Mul" : "Add", List.of(forward, backward));
            if (bi.mergeMode() == BidirectionalSpec.Merge.AVE) {
                merged = g.node("Mul", List.of(merged, g.scalar("half", 0.5)));
            }
        }
        // [N, T, 2h] forward first (concat), or [N, T, h]
        String shaped = g.node("Reshape", List.of(merged, g.int64s("shape", 0, 0, -1)));
        return new OnnxGraph.Value(shaped, in.out(), false);
    }
}
