package dev.kerasmnist.model;

import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/** MaxPooling2D, AveragePooling2D: DL4J's SubsamplingLayer. */
final class Pooling2DMapping implements Dl4jMapping<Pooling2DSpec> {
    @Override
    public Piece build(Pooling2DSpec pool, Input in) {
        // Keras's average over 'same' windows counts only the cells inside the image
        SubsamplingLayer layer = new SubsamplingLayer.Builder(pool.poolType() == PoolType.MAX
                ? SubsamplingLayer.PoolingType.MAX : SubsamplingLayer.PoolingType.AVG)
                .kernelSize(pool.poolSize().array()).stride(pool.strides().array())
                .convolutionMode(Conv2DMapping.mode(pool.padding())).avgPoolIncludePadInDivisor(false).build();
        return in.onImage(pool.kerasClass(), pool.dataFormat(), layer);
    }
}
