package dev.kerasmnist.model;

import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/** GlobalAveragePooling2D, GlobalMaxPooling2D: DL4J's GlobalPoolingLayer, feature maps to a vector. */
final class GlobalPooling2DMapping implements Dl4jMapping<GlobalPooling2DSpec> {
    @Override
    public Piece build(GlobalPooling2DSpec global, Input in) {
        GlobalPoolingLayer layer = new GlobalPoolingLayer.Builder(global.poolType() == PoolType.MAX ? PoolingType.MAX
                : PoolingType.AVG).build();
        Piece maps = in.onImage(global.kerasClass(), global.dataFormat(), layer);
        return new Piece(layer, maps.before(), maps.after().flat(null));
    }
}
