package dev.kerasmnist.model;

import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;

/** ZeroPadding2D: DL4J's ZeroPaddingLayer on NCHW maps. */
final class ZeroPadding2DMapping implements Dl4jMapping<ZeroPadding2DSpec> {
    @Override
    public Piece build(ZeroPadding2DSpec padding, Input in) {
        ZeroPaddingLayer layer = new ZeroPaddingLayer.Builder(padding.top(), padding.bottom(), padding.left(),
                padding.right()).build();
        return in.onImage(padding.kerasClass(), padding.dataFormat(), layer);
    }
}
