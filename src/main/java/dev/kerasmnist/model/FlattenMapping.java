package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.preprocessors.ReshapePreprocessor;

/**
 * Flatten: no DL4J layer, a CnnToFeedForwardPreProcessor before the next one. DL4J flattens NCHW maps as
 * (c, h, w); Keras flattens channels-last maps as (h, w, c), and channels-first ones too when Flatten itself says
 * channels_first (it moves the channels last first). The flow records that order for the next weighted layer.
 */
final class FlattenMapping implements Dl4jMapping<FlattenSpec> {
    @Override
    public Piece build(FlattenSpec flatten, Input in) {
        return flatten(flatten, in, flatten.dataFormat() == DataFormat.CHANNELS_FIRST);
    }

    /** Flatten, or a Reshape to a vector ({@code channelsFirst}: Flatten(data_format='channels_first')). */
    static Piece flatten(LayerSpec layer, Input in, boolean channelsFirst) {
        Flow flow = in.flow();
        if (flow.form() == Form.IMAGE) {
            DataFormat format = flow.format();
            int[] shape = in.shape();
            Flow flat = flow.then(
                    new CnnToFeedForwardPreProcessor(format.rows(shape), format.cols(shape), format.channels(shape)));
            if (format == DataFormat.CHANNELS_LAST && channelsFirst) {
                throw new IllegalArgumentException(
                        "Flatten(data_format='channels_first') of channels-last feature maps");
            }
            boolean hwc = format == DataFormat.CHANNELS_LAST || channelsFirst;
            return Piece.none(
                    flat.flat(hwc ? hwcOrder(format.rows(shape), format.cols(shape), format.channels(shape)) : null));
        } else if (flow.form() == Form.NCW) {
            // DL4J flattens [C, T] as (c, t); Keras (t, c), or (c, t) too when Flatten says channels_first
            int steps = in.shape()[0];
            int channels = in.shape()[1];
            Flow flat = flow.then(
                    new ReshapePreprocessor(new long[] {channels, steps}, new long[] {(long) channels * steps}, false));
            return Piece.none(flat.flat(channelsFirst ? null : hwcOrder(steps, 1, channels)));
        } else if (flow.form() == Form.SEQUENCE) {
            throw new IllegalArgumentException(layer.kerasClass() + " of a sequence: use LSTM(return_sequences=False)");
        }
        return Piece.none(flow); // flat already: the values are in Keras's order
    }

    /**
     * For DL4J's flattening (c, h, w) of feature maps that Keras flattens (h, w, c): which Keras feature each DL4J
     * one is; null when they agree (one channel).
     */
    static int[] hwcOrder(int h, int w, int c) {
        if (c == 1) {
            return null;
        }
        int[] order = new int[h * w * c];
        for (int ci = 0; ci < c; ci++) {
            for (int hi = 0; hi < h; hi++) {
                for (int wi = 0; wi < w; wi++) {
                    order[ci * h * w + hi * w + wi] = (hi * w + wi) * c + ci;
                }
            }
        }
        return order;
    }

    @Override
    public OnnxGraph.Value onnx(FlattenSpec flatten, OnnxGraph g, OnnxGraph.In in) {
        OnnxGraph.Value x = g.keras(in.value());
        int rank = x.shape().length;
        if (rank == 1) {
            return x;
        }
        String from = x.name();
        if (flatten.dataFormat() == DataFormat.CHANNELS_FIRST) {
            long[] perm = new long[rank + 1]; // Keras moves the channels last before flattening
            for (int i = 1; i < rank; i++) {
                perm[i] = i + 1;
            }
            perm[rank] = 1;
            from = g.node("Transpose", List.of(from), OnnxGraph.ints("perm", perm));
        }
        return x.to(g.node("Flatten", List.of(from), OnnxGraph.attr("axis", 1)), in.out());
    }
}
