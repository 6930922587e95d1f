package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/** MaxPooling2D, AveragePooling2D: DL4J's SubsamplingLayer. */
final class Pooling2DMapping implements Dl4jMapping<Pooling2DSpec> {
    @Override
    public Piece build(Pooling2DSpec pool, Input in) {
        // Keras's average over 'same' windows counts only the cells inside the image
        SubsamplingLayer layer = new SubsamplingLayer.Builder(
                        pool.poolType() == PoolType.MAX
                                ? SubsamplingLayer.PoolingType.MAX
                                : SubsamplingLayer.PoolingType.AVG)
                .kernelSize(pool.poolSize().array())
                .stride(pool.strides().array())
                .convolutionMode(Conv2DMapping.mode(pool.padding()))
                .avgPoolIncludePadInDivisor(false)
                .build();
        return in.onImage(pool.kerasClass(), pool.dataFormat(), layer);
    }

    @Override
    public OnnxGraph.Value onnx(Pooling2DSpec pool, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.nchw(in.value(), pool.dataFormat());
        long[] p = OnnxGraph.pads(
                pool.padding(), OnnxGraph.chw(x.shape(), pool.dataFormat()), pool.poolSize(), pool.strides());
        // AveragePool leaves the padding out of each mean (count_include_pad=0), as Keras does
        String y = g.node(
                pool.poolType() == PoolType.MAX ? "MaxPool" : "AveragePool",
                List.of(x.name()),
                OnnxGraph.ints(
                        "kernel_shape", pool.poolSize().rows(), pool.poolSize().cols()),
                OnnxGraph.ints("strides", pool.strides().rows(), pool.strides().cols()),
                OnnxGraph.ints("pads", p));
        return x.to(y, in.out());
    }
}
