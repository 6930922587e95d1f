package dev.kerasmnist.model.fast;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A chain's inference for a batch through libnd4j's own ops, which the nd4j-native build with oneDNN runs as oneDNN
 * primitives JIT-compiled for the CPU it runs on (AVX-512 here, whatever OpenBLAS kernel is forced), as {@code
 * predict} and {@code serve} run a batch. DL4J's own {@code output} takes 2-4x as long: its dense layers are
 * OpenBLAS products, its convolutions oneDNN's in NCHW, which libnd4j reorders to NHWC and back around every call,
 * and between the layers come workspaces, validation and activation ops over the whole batch.
 *
 * <p>Here every layer is one or two ops on arrays allocated once per batch size, each op with a context of its own
 * that is reused (an op called through a fresh context costs 5-30 us more):
 * <ul>
 *   <li>convolutions ({@code conv2d}, bias included) and max pooling in NHWC, oneDNN's own layout; a ReLU that a
 *       max pooling follows runs after it, on a quarter of the values ({@code max(relu(a), relu(b)) =
 *       relu(max(a, b))}, exactly);
 *   <li>dense layers as {@code xw_plus_b} (oneDNN's inner product); one whose outputs do not fill oneDNN's blocks of
 *       16 (the 10 classes) as {@code matmul} and a bias {@code add} instead, because the inner product would
 *       reorder its weights through oneDNN's slow reference reorder at every call (measured on 1000 x 512 x 10:
 *       222 us against 111);
 *   <li>the flattening before a dense layer reads NHWC maps, so that layer's weight rows are permuted to match (at
 *       every call: DL4J's parameters stay as they are).
 * </ul>
 * The layers on feature maps run on pieces of a batch small enough ({@link #PIECE_FLOATS}) that their activations
 * stay in the caches from one layer to the next; the dense layers then run once on the whole batch's vectors, so
 * that their small ops are not paid for every piece. libnd4j's own element-wise ops run on the calling thread alone
 * ({@link Op}).
 *
 * <p>ND4J's helpers are on for the whole batch: the switch is ND4J's one global flag, as in {@link Helpers}, so an
 * op that another thread runs meanwhile may take oneDNN's path too (computing the same thing, rounded its way).
 *
 * <p>oneDNN's products sum in other orders than DL4J's: outputs agree with DL4J's to float rounding, with the same
 * digits ({@code ChainInferenceTest}). Only where the natives have oneDNN; the layers covered are {@link
 * ChainInference}'s (convolutions may also pad).
 */
final class OneDnnChain {
    /**
     * The activations of one piece of a batch, at most, in floats (8 MB): the convnet's 32 maps of 26x26 make pieces
     * of 96 images. Measured on the convnet's batches of 1,000 (ms, one JVM, piece sizes alternating): 75 for pieces
     * of 16, 50 of 32, 44 of 64, 48 of 128, 58 of 256, 90 of 1,000. The MLP's vectors, 2,600 images a piece.
     */
    static final int PIECE_FLOATS = 1 << 21;

    private static final Plans<Plan> PLANS = new Plans<>(Plan::of);

    private static final long[] NO_INTEGERS = {};

    private OneDnnChain() {}

    /**
     * Writes the output of every row of {@code input} (a chain's probabilities) into {@code into}, row after row,
     * and returns true; false where this class has no plan for the network or the natives have no oneDNN.
     */
    static boolean predict(MultiLayerNetwork net, INDArray input, float[] into) {
        if (!Helpers.onednn()
                || input.rank() != 2
                || input.dataType() != DataType.FLOAT
                || input.ordering() != 'c'
                || input.elementWiseStride() != 1) {
            return false;
        }
        Plan plan = PLANS.of(net);
        if (plan == null) {
            return false;
        }
        if (input.size(1) != plan.inputs) {
            return false;
        }
        synchronized (plan) {
            plan.run(input, into);
        }
        return true;
    }

    /** One layer as a plan sees it, with its output's size for one image. */
    private sealed interface Stage permits Convolution, Pooling, Dense, ToMaps {
        int outputs();

        default boolean onMaps() {
            return !(this instanceof Dense);
        }
    }

    /** A convolution, {@code conv2d} in NHWC (weights DL4J's {@code [out, in, kH, kW]}), then its ReLU if any. */
    private record Convolution(Layer layer, long[] args, int[] out, boolean relu) implements Stage {
        @Override
        public int outputs() {
            return out[0] * out[1] * out[2];
        }
    }

    /** A max pooling in NHWC; {@code relu}: the preceding convolution's ReLU, applied after it. */
    private record Pooling(long[] args, int[] out, boolean relu) implements Stage {
        @Override
        public int outputs() {
            return out[0] * out[1] * out[2];
        }
    }

    /**
     * A dense layer; {@code maps}: the (height, width, channels) of the NHWC maps it reads flattened, whose weight
     * rows (in DL4J's flattening order: channel, row, column) it permutes, or null.
     */
    private record Dense(Layer layer, int nIn, int nOut, IActivation activation, int[] maps) implements Stage {
        @Override
        public int outputs() {
            return nOut;
        }
    }

    /** A vector read as NCHW maps (DL4J's FeedForwardToCnnPreProcessor), made NHWC: {@code (height, width, channels)}. */
    private record ToMaps(int[] hwc) implements Stage {
        @Override
        public int outputs() {
            return hwc[0] * hwc[1] * hwc[2];
        }
    }

    /**
     * Consecutive stages on maps, or on vectors, run on pieces of {@code rows} images; {@code reluInput}: the ReLU of
     * the convolution before, applied to this segment's input (the whole batch's, in one op).
     */
    private record Segment(List<Stage> stages, int inputs, int outputs, int rows, boolean reluInput) {}

    private static final class Plan {
        final List<Segment> segments;
        final int inputs;
        final int outputs;
        /** The arrays and ops for the last few (segment, piece size) pairs, least recently used first. */
        final Map<Long, Pieces> pieces = new LinkedHashMap<>(8, 0.75f, true);
        /** Each segment's output but the last's, for the whole batch: at least as many rows as the batch. */
        final INDArray[] between;

        Plan(List<Segment> segments) {
            this.segments = segments;
            this.inputs = segments.get(0).inputs();
            this.outputs = segments.get(segments.size() - 1).outputs();
            this.between = new INDArray[segments.size() - 1];
        }

        static Plan of(MultiLayerNetwork net) {
            if (!Nd4j.getEnvironment().isCPU() || net.params().dataType() != DataType.FLOAT) {
                return null;
            }
            List<Stage> stages = new ArrayList<>();
            int[] hwc = null; // the NHWC maps' (height, width, channels), or null for a vector
            int width = -1; // a vector's length
            int inputs = -1;
            Layer[] layers = net.getLayers();
            for (int i = 0; i < layers.length; i++) {
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre instanceof FeedForwardToCnnPreProcessor f && hwc == null) {
                    hwc = new int[] {(int) f.getInputHeight(), (int) f.getInputWidth(), (int) f.getNumChannels()};
                    ToMaps maps = new ToMaps(hwc);
                    if (width >= 0 && width != maps.outputs()) {
                        return null;
                    }
                    if (inputs < 0) {
                        inputs = maps.outputs();
                    }
                    stages.add(maps);
                } else if (pre instanceof CnnToFeedForwardPreProcessor c
                        && c.getFormat() == CNN2DFormat.NCHW
                        && hwc != null) {
                    // flattened as the dense layer reads it, its weight rows permuted
                } else if (pre != null) {
                    return null;
                }
                Layer layer = layers[i];
                if (layer instanceof FastConvolutionLayer && hwc != null) {
                    Convolution c = convolution(layer, hwc);
                    if (c == null) {
                        return null;
                    }
                    stages.add(c);
                    hwc = c.out();
                } else if (layer.getClass()
                                == org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class
                        && hwc != null) {
                    Pooling p = pooling(layer, hwc);
                    if (p == null) {
                        return null;
                    }
                    // the convolution's ReLU after the pooling: max and ReLU commute
                    if (!stages.isEmpty() && stages.get(stages.size() - 1) instanceof Convolution c && c.relu()) {
                        stages.set(stages.size() - 1, new Convolution(c.layer(), c.args(), c.out(), false));
                        p = new Pooling(p.args(), p.out(), true);
                    }
                    stages.add(p);
                    hwc = p.out();
                } else if (layer instanceof FastDenseLayer || layer instanceof FastOutputLayer) {
                    Dense d = dense(layer, hwc);
                    if (d == null || (hwc == null && width >= 0 && width != d.nIn())) {
                        return null;
                    }
                    if (inputs < 0) {
                        inputs = d.nIn();
                    }
                    stages.add(d);
                    hwc = null;
                    width = d.nOut();
                } else if (layer.getClass() != org.deeplearning4j.nn.layers.DropoutLayer.class) {
                    return null; // dropout is the identity at inference; anything else is DL4J's
                }
            }
            if (stages.isEmpty() || hwc != null) {
                return null;
            }
            return new Plan(segments(stages, inputs));
        }

        /** The stages cut where maps become vectors or vectors maps. */
        private static List<Segment> segments(List<Stage> stages, int inputs) {
            List<Segment> segments = new ArrayList<>();
            int start = 0;
            int in = inputs;
            boolean relu = false;
            for (int i = 1; i <= stages.size(); i++) {
                if (i < stages.size()
                        && stages.get(i).onMaps() == stages.get(start).onMaps()) {
                    continue;
                }
                List<Stage> part = new ArrayList<>(stages.subList(start, i));
                boolean reluOut = false;
                // a convolution's ReLU at the end of the maps: on the whole batch, where the vectors start
                if (part.get(part.size() - 1) instanceof Convolution c && c.relu() && i < stages.size()) {
                    part.set(part.size() - 1, new Convolution(c.layer(), c.args(), c.out(), false));
                    reluOut = true;
                }
                int largest = in;
                for (Stage s : part) {
                    largest = Math.max(largest, s.outputs());
                }
                int out = part.get(part.size() - 1).outputs();
                segments.add(new Segment(part, in, out, Math.max(1, PIECE_FLOATS / largest), relu));
                relu = reluOut;
                in = out;
                start = i;
            }
            return segments;
        }

        void run(INDArray input, float[] into) {
            int n = (int) input.size(0);
            Nd4j.getEnvironment().allowHelpers(true);
            try {
                INDArray x = input;
                for (int s = 0; s < segments.size(); s++) {
                    Segment segment = segments.get(s);
                    boolean last = s == segments.size() - 1;
                    if (segment.reluInput()) {
                        INDArray values = x;
                        Helpers.alone(() -> Nd4j.getExecutioner().exec(new RectifiedLinear(values, values, 0.0)));
                    }
                    INDArray next = last ? null : between(s, n);
                    for (int from = 0; from < n; from += segment.rows()) {
                        int rows = Math.min(segment.rows(), n - from);
                        INDArray out = pieces(s, rows).run(rows(x, from, rows));
                        FloatPointer values = new FloatPointer(out.data().addressPointer());
                        int count = rows * segment.outputs();
                        if (last) {
                            values.get(into, from * segment.outputs(), count);
                        } else {
                            // memcpy takes a Pointer's position in bytes
                            BytePointer to = new BytePointer(next.data().addressPointer());
                            long at = (long) from * segment.outputs() * Float.BYTES;
                            Pointer.memcpy(to.position(at), values, (long) count * Float.BYTES);
                        }
                    }
                    x = next;
                }
            } finally {
                Nd4j.getEnvironment().allowHelpers(false);
            }
        }

        private Pieces pieces(int segment, int rows) {
            long key = ((long) segment << 32) | rows;
            Pieces p = pieces.get(key);
            if (p == null) {
                p = new Pieces(segments.get(segment), rows);
                pieces.put(key, p);
                if (pieces.size() > 2 * segments.size() + 1) {
                    pieces.remove(pieces.keySet().iterator().next());
                }
            }
            return p;
        }

        /** Segment {@code s}'s output for {@code n} images: the first n rows of an array kept while large enough. */
        private INDArray between(int s, int n) {
            if (between[s] == null || between[s].size(0) < n) {
                between[s] = Nd4j.createUninitializedDetached(
                        DataType.FLOAT, n, segments.get(s).outputs());
            }
            return rows(between[s], 0, n);
        }
    }

    private static INDArray rows(INDArray a, int from, int rows) {
        return from == 0 && rows == a.size(0) ? a : a.get(NDArrayIndex.interval(from, from + rows), NDArrayIndex.all());
    }

    /**
     * One libnd4j op with a context of its own, its arrays set once (a null input: set at every call); {@code alone}:
     * on the calling thread only. libnd4j's own element-wise ops (ReLU, bias, softmax) spread over OpenMP's threads,
     * and waking the second one costs more than it saves (measured on the MLP's batch of 1000, us: ReLU over 512 K
     * values 114 -> 49-81, bias 64-113 -> 19-22, softmax 91-122 -> 60-83); oneDNN's primitives keep both.
     */
    private record Op(DynamicCustomOp op, OpContext context, boolean alone) {
        static Op of(String name, INDArray[] inputs, INDArray output, long[] integers, double... floats) {
            OpContext context = Nd4j.getExecutioner().buildContext();
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] != null) {
                    context.setInputArray(i, inputs[i]);
                }
            }
            context.setOutputArray(0, output);
            if (integers.length > 0) {
                context.setIArguments(integers);
            }
            if (floats.length > 0) {
                context.setTArguments(floats);
            }
            boolean alone = !ONEDNN_OPS.contains(name);
            return new Op(DynamicCustomOp.builder(name).build(), context, alone);
        }

        void run() {
            if (alone) {
                Helpers.alone(() -> Nd4j.exec(op, context));
            } else {
                Nd4j.exec(op, context);
            }
        }
    }

    /** The ops that run as oneDNN primitives (with the helpers on). */
    private static final Set<String> ONEDNN_OPS = Set.of("conv2d", "maxpool2d", "xw_plus_b", "matmul");

    /** A segment's arrays and ops for pieces of {@code rows} images. */
    private static final class Pieces {
        private final List<Op> ops = new ArrayList<>();
        /** Run first at every call: the parameters set again where the ops read them (a reload makes new arrays). */
        private final List<Runnable> parameters = new ArrayList<>();
        /** The op that reads the piece of the segment's input, as which of its inputs, in which view. */
        private Op reader;

        private int readerIndex;
        private UnaryOperator<INDArray> readerView;
        /** The current activations while the ops are made; null: the input, viewed as {@link #shape}. */
        private INDArray a;

        private long[] shape;
        private final INDArray output;

        Pieces(Segment segment, int rows) {
            shape = new long[] {rows, segment.inputs()};
            for (Stage s : segment.stages()) {
                if (s instanceof ToMaps m) {
                    toMaps(m.hwc(), rows);
                } else if (s instanceof Convolution c) {
                    INDArray z = array(rows, c.out()[0], c.out()[1], c.out()[2]);
                    Op conv = reading("conv2d", z, c.args(), weights(c.layer()), bias(c.layer()));
                    parameters.add(() -> {
                        conv.context().setInputArray(1, weights(c.layer()));
                        conv.context().setInputArray(2, bias(c.layer()));
                    });
                    relu(z, c.relu());
                } else if (s instanceof Pooling p) {
                    INDArray z = array(rows, p.out()[0], p.out()[1], p.out()[2]);
                    reading("maxpool2d", z, p.args());
                    relu(z, p.relu());
                } else {
                    dense((Dense) s, rows);
                }
            }
            this.output = a;
        }

        /** A vector as NCHW maps, made NHWC: one channel is the same values, more need a copy. */
        private void toMaps(int[] hwc, int rows) {
            if (hwc[2] == 1 && a == null) {
                shape = new long[] {rows, hwc[0], hwc[1], 1};
                return;
            }
            INDArray maps = array(rows, hwc[0], hwc[1], hwc[2]);
            long[] nchw = {rows, hwc[2], hwc[0], hwc[1]};
            if (a == null) {
                Op copy = Op.of("assign", new INDArray[] {maps, null}, maps, NO_INTEGERS);
                ops.add(copy);
                reader = copy;
                readerIndex = 1;
                readerView = x -> x.reshape('c', nchw).permute(0, 2, 3, 1);
            } else {
                INDArray from = a.reshape('c', nchw).permute(0, 2, 3, 1);
                ops.add(Op.of("assign", new INDArray[] {maps, from}, maps, NO_INTEGERS));
            }
            a = maps;
        }

        private void dense(Dense d, int rows) {
            if (a != null && a.rank() != 2) {
                a = a.reshape('c', rows, d.nIn()); // NHWC maps, flattened: (h, w, c)
            }
            INDArray z = array(rows, d.nOut());
            INDArray w;
            if (d.maps() != null) {
                INDArray permuted = Nd4j.createUninitializedDetached(DataType.FLOAT, d.nIn() * (long) d.nOut());
                float[] from = new float[d.nIn() * d.nOut()];
                float[] to = new float[from.length];
                parameters.add(() -> permute(d, from, to, permuted));
                w = permuted.reshape('f', d.nIn(), d.nOut());
            } else {
                w = weights(d.layer());
            }
            boolean blocks = d.nOut() % 16 == 0;
            Op product = blocks
                    ? reading("xw_plus_b", z, NO_INTEGERS, w, bias(d.layer()))
                    : reading("matmul", z, NO_INTEGERS, w);
            Op withBias = product;
            if (!blocks) {
                withBias = Op.of("add", new INDArray[] {z, bias(d.layer())}, z, NO_INTEGERS);
                ops.add(withBias);
            }
            Op biased = withBias;
            boolean own = d.maps() == null;
            parameters.add(() -> {
                if (own) {
                    product.context().setInputArray(1, weights(d.layer()));
                }
                biased.context().setInputArray(blocks ? 2 : 1, bias(d.layer()));
            });
            relu(z, FastConvolutionLayer.relu(d.activation()));
            if (d.activation() instanceof ActivationSoftmax) {
                INDArray probabilities = array(rows, d.nOut());
                ops.add(Op.of("softmax", new INDArray[] {z}, probabilities, NO_INTEGERS));
                a = probabilities;
            }
        }

        /** An op whose input 0 is the current activations (others: {@code more}); its output the new ones. */
        private Op reading(String name, INDArray output, long[] integers, INDArray... more) {
            INDArray[] inputs = new INDArray[1 + more.length];
            inputs[0] = a;
            System.arraycopy(more, 0, inputs, 1, more.length);
            Op op = Op.of(name, inputs, output, integers);
            if (a == null) {
                long[] viewed = shape;
                reader = op;
                readerIndex = 0;
                readerView = x -> x.reshape('c', viewed);
            }
            ops.add(op);
            a = output;
            return op;
        }

        private void relu(INDArray z, boolean relu) {
            if (relu) {
                ops.add(Op.of("relu", new INDArray[] {z}, z, NO_INTEGERS, 0.0));
            }
        }

        private static INDArray array(long... shape) {
            return Nd4j.createUninitializedDetached(DataType.FLOAT, shape);
        }

        /** Runs the ops on {@code x}, a piece of the segment's input, and returns the piece's output. */
        INDArray run(INDArray x) {
            reader.context().setInputArray(readerIndex, readerView.apply(x));
            for (Runnable p : parameters) {
                p.run();
            }
            for (Op op : ops) {
                op.run();
            }
            return output;
        }
    }

    private static INDArray weights(Layer layer) {
        return layer.getParam("W");
    }

    private static INDArray bias(Layer layer) {
        INDArray b = layer.getParam("b");
        return b.reshape(b.length());
    }

    /**
     * DL4J's dense weights {@code W [(c, h, w), out]} (column-major) into {@code permuted}, column-major {@code
     * [(h, w, c), out]}: the rows in the order of flattened NHWC maps.
     */
    private static void permute(Dense d, float[] from, float[] to, INDArray permuted) {
        int height = d.maps()[0];
        int width = d.maps()[1];
        int channels = d.maps()[2];
        new FloatPointer(d.layer().getParam("W").data().addressPointer()).get(from, 0, from.length);
        for (int o = 0, column = 0; o < d.nOut(); o++, column += d.nIn()) {
            int at = column;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < channels; c++) {
                        to[at++] = from[column + (c * height + y) * width + x];
                    }
                }
            }
        }
        new FloatPointer(permuted.data().addressPointer()).put(to, 0, to.length);
    }

    private static Convolution convolution(Layer layer, int[] hwc) {
        ConvolutionLayer conf = (ConvolutionLayer) layer.conf().getLayer();
        INDArray w = layer.getParam("W");
        if (!FastConvolutionLayer.plain(conf) || !conf.hasBias() || w.ordering() != 'c' || w.size(1) != hwc[2]) {
            return null;
        }
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] p = conf.getPadding();
        int[] d = conf.getDilation();
        boolean same = conf.getConvolutionMode() == ConvolutionMode.Same;
        int[] out = new int[3];
        for (int i = 0; i < 2; i++) {
            int kernel = k[i] + (k[i] - 1) * (d[i] - 1);
            out[i] = same ? (hwc[i] + s[i] - 1) / s[i] : (hwc[i] - kernel + 2 * p[i]) / s[i] + 1;
        }
        out[2] = (int) w.size(0);
        long[] args = {k[0], k[1], s[0], s[1], same ? 0 : p[0], same ? 0 : p[1], d[0], d[1], same ? 1 : 0, 1, 1};
        return new Convolution(layer, args, out, FastConvolutionLayer.relu(conf.getActivationFn()));
    }

    private static Pooling pooling(Layer layer, int[] hwc) {
        SubsamplingLayer conf = (SubsamplingLayer) layer.conf().getLayer();
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] p = conf.getPadding();
        boolean valid = conf.getConvolutionMode() == ConvolutionMode.Truncate
                || conf.getConvolutionMode() == ConvolutionMode.Strict;
        if (conf.getPoolingType() != org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                || !valid
                || p[0] != 0
                || p[1] != 0
                || conf.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            return null;
        }
        int[] out = {(hwc[0] - k[0]) / s[0] + 1, (hwc[1] - k[1]) / s[1] + 1, hwc[2]};
        return new Pooling(new long[] {k[0], k[1], s[0], s[1], 0, 0, 1, 1, 0, 0, 1}, out, false);
    }

    private static Dense dense(Layer layer, int[] hwc) {
        INDArray w = layer.getParam("W");
        IActivation a =
                ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer.conf().getLayer()).getActivationFn();
        boolean supported =
                FastConvolutionLayer.relu(a) || a instanceof ActivationSoftmax || a instanceof ActivationIdentity;
        if (w.rank() != 2
                || w.ordering() != 'f'
                || w.elementWiseStride() != 1
                || layer.getParam("b") == null
                || !supported) {
            return null;
        }
        int nIn = (int) w.size(0);
        if (hwc != null && hwc[0] * hwc[1] * hwc[2] != nIn) {
            return null;
        }
        return new Dense(layer, nIn, (int) w.size(1), a, hwc);
    }
}
