package dev.kerasmnist.model;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BatchNormalization: DL4J's, over a vector's features or NCHW maps' channels. A missing gamma (scale=False)
 * becomes 1, a missing beta (center=False) 0. Vectors after a Flatten follow its feature order.
 */
final class BatchNormalizationMapping implements Dl4jMapping<BatchNormalizationSpec> {
    @Override
    public Piece build(BatchNormalizationSpec bn, Input in) {
        if (in.flow().form() == Form.SEQUENCE || in.flow().form() == Form.NCW) {
            throw new IllegalArgumentException(
                    "BatchNormalization of a sequence (timesteps, features): only of vectors and feature maps");
        }
        DataFormat format = in.flow().format();
        int[] shape = in.shape();
        int channels = shape.length == 1 ? shape[0] : format.channels(shape);
        int normalised = shape[bn.axisIndex(shape)];
        // over the width (not the channels) of DL4J's NCHW maps: its axis 3, which BatchNormalization normalises
        // when told the maps are NHWC (the spec refuses the rows)
        boolean width = shape.length == 3 && bn.axisIndex(shape) != (format == DataFormat.CHANNELS_LAST ? 2 : 0);
        BatchNormalization.Builder builder = new BatchNormalization.Builder()
                .nIn(normalised)
                .nOut(normalised)
                .eps(bn.epsilon())
                .decay(bn.momentum())
                .useLogStd(false);
        if (width) {
            builder.dataFormat(org.deeplearning4j.nn.conf.CNN2DFormat.NHWC);
        } else if (normalised != channels) {
            throw new IllegalStateException("BatchNormalization over " + normalised + " features, not " + channels);
        }
        BatchNormalization layer = builder.build();
        return shape.length == 3 ? in.onImage(bn.kerasClass(), format, layer) : new Piece(layer, null, in.flow());
    }

    @Override
    public void setWeights(BatchNormalizationSpec bn, Layer dl4j, List<INDArray> w, int[] order) {
        int i = 0;
        long n = w.get(w.size() - 1).length();
        Dl4jParams.set(
                dl4j, "gamma", bn.scale() ? Dl4jParams.features(w.get(i++), order) : Nd4j.ones(DataType.FLOAT, n));
        Dl4jParams.set(
                dl4j, "beta", bn.center() ? Dl4jParams.features(w.get(i++), order) : Nd4j.zeros(DataType.FLOAT, n));
        Dl4jParams.set(dl4j, "mean", Dl4jParams.features(w.get(i++), order));
        Dl4jParams.set(dl4j, "var", Dl4jParams.features(w.get(i), order));
    }

    @Override
    public List<INDArray> kerasWeights(BatchNormalizationSpec bn, Layer dl4j, int[] order) {
        int[] back = order == null ? null : Dl4jParams.inverse(order);
        List<INDArray> w = new ArrayList<>();
        if (bn.scale()) {
            w.add(Dl4jParams.features(dl4j.getParam("gamma"), back));
        }
        if (bn.center()) {
            w.add(Dl4jParams.features(dl4j.getParam("beta"), back));
        }
        w.add(Dl4jParams.features(dl4j.getParam("mean"), back));
        w.add(Dl4jParams.features(dl4j.getParam("var"), back));
        return w;
    }

    @Override
    public OnnxGraph.Value onnx(BatchNormalizationSpec bn, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = in.value();
        // ONNX normalises axis 1: the channels of NCHW maps. Over the width (see build), the width is swapped there
        // and back.
        int width = 0;
        if (x.shape().length == 3) {
            boolean channels = bn.axisIndex(x.shape()) == (g.modelFormat() == DataFormat.CHANNELS_LAST ? 2 : 0);
            x = g.nchw(x, g.modelFormat());
            width = channels ? 0 : 3;
        }
        int n = (int) in.weights().get(in.weights().size() - 1).length();
        int i = 0;
        String gamma =
                bn.scale() ? g.constant("gamma", in.weight(i++)) : g.constant("gamma", Nd4j.ones(DataType.FLOAT, n));
        String beta =
                bn.center() ? g.constant("beta", in.weight(i++)) : g.constant("beta", Nd4j.zeros(DataType.FLOAT, n));
        String mean = g.constant("moving_mean", in.weight(i++));
        String variance = g.constant("moving_variance", in.weight(i));
        String input =
                width == 0 ? x.name() : g.node("Transpose", List.of(x.name()), OnnxGraph.ints("perm", 0, 3, 2, 1));
        String y = g.node(
                "BatchNormalization",
                List.of(input, gamma, beta, mean, variance),
                OnnxGraph.attr("epsilon", bn.epsilon()));
        return x.to(width == 0 ? y : g.node("Transpose", List.of(y), OnnxGraph.ints("perm", 0, 3, 2, 1)), in.out());
    }
}
