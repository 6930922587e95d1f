package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/**
 * GlobalAveragePooling1D, GlobalMaxPooling1D: DL4J's GlobalPoolingLayer over the time axis, which is axis 2 of a
 * Conv1D's NCW sequence and axis 1 of an NWC one (flat values are read as NWC).
 */
final class GlobalPooling1DMapping implements Dl4jMapping<GlobalPooling1DSpec> {
    @Override
    public Piece build(GlobalPooling1DSpec global, Input in) {
        boolean ncw = in.flow().form() == Form.NCW;
        GlobalPoolingLayer layer = new GlobalPoolingLayer.Builder(
                        global.poolType() == PoolType.MAX ? PoolingType.MAX : PoolingType.AVG)
                .poolingDimensions(ncw ? 2 : 1)
                .build();
        return new Piece(
                layer, ncw ? null : LstmMapping.sequence(global, in), in.flow().flat(null));
    }

    @Override
    public OnnxGraph.Value onnx(GlobalPooling1DSpec pool, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.keras(in.value()); // [N, T, C]
        String ncl = g.node("Transpose", List.of(x.name()), OnnxGraph.ints("perm", 0, 2, 1));
        // pooled as an [N, C, T, 1] image: onnx's reference GlobalMaxPool (1.x) reduces the channels of [N, C, L] too
        String image = g.node("Unsqueeze", List.of(ncl, g.int64s("axes", 3)));
        String pooled = g.node(pool.poolType() == PoolType.MAX ? "GlobalMaxPool" : "GlobalAveragePool", List.of(image));
        return new OnnxGraph.Value(g.node("Flatten", List.of(pooled), OnnxGraph.attr("axis", 1)), in.out(), false);
    }
}
