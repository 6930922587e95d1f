package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/** GlobalAveragePooling2D, GlobalMaxPooling2D: DL4J's GlobalPoolingLayer, feature maps to a vector. */
final class GlobalPooling2DMapping implements Dl4jMapping<GlobalPooling2DSpec> {
    @Override
    public Piece build(GlobalPooling2DSpec global, Input in) {
        GlobalPoolingLayer layer = new GlobalPoolingLayer.Builder(
                        global.poolType() == PoolType.MAX ? PoolingType.MAX : PoolingType.AVG)
                .build();
        Piece maps = in.onImage(global.kerasClass(), global.dataFormat(), layer);
        return new Piece(layer, maps.before(), maps.after().flat(null));
    }

    @Override
    public OnnxGraph.Value onnx(GlobalPooling2DSpec pool, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.nchw(in.value(), pool.dataFormat());
        String pooled =
                g.node(pool.poolType() == PoolType.MAX ? "GlobalMaxPool" : "GlobalAveragePool", List.of(x.name()));
        return new OnnxGraph.Value(g.node("Flatten", List.of(pooled), OnnxGraph.attr("axis", 1)), in.out(), false);
    }
}
