package dev.kerasmnist.model.fast;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
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
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A chain's inference for a few images at a time, as {@code predict} and {@code serve} run it: each layer one BLAS
 * call, one oneDNN op or one loop over heap arrays, none of DL4J's per-layer machinery (workspaces, validation, op
 * dispatch), which costs more than the arithmetic for one image (the convnet's first convolution: 0.2 M
 * multiply-adds in about 100 us through DL4J's oneDNN call). Feature maps are NHWC between the layers, so that
 * pooling, bias and ReLU loop over the channels, which the JIT vectorises; convolutions are im2col and one sgemm per
 * image, the large ones (a million multiply-adds and up) libnd4j's oneDNN conv2d op on the calling thread where the
 * natives have oneDNN; a convolution's ReLU runs after the max pooling that follows it; dense layers make the fast
 * path's own sgemv call; softmax is a plain loop. For the chains of the recipes and imports made of these layers
 * (valid convolutions, max pooling, dense, dropout); any other layer, a batch over {@link #MAX_BATCH} (or over one
 * image for a chain of dense layers only, whose DL4J output is already one BLAS call) or a non-float network leaves
 * the output to DL4J ({@link #predict}: larger batches to {@link OneDnnChain}). The network's parameters are read
 * where they are on every call, so training and reloading need nothing here.
 *
 * <p>Convolutions sum their products in another order than DL4J's, so outputs agree with DL4J's to float rounding
 * ({@code ChainInferenceTest}); dense layers make the same BLAS call as the fast path, so a chain of dense layers
 * gives DL4J's bits.
 */
final class ChainInference {
    /**
     * Larger batches go to {@link OneDnnChain} ({@link #predict}) or DL4J ({@link #output}), faster per image over a
     * whole batch.
     */
    static final int MAX_BATCH = 16;

    private static final int COL_MAJOR = openblas_nolapack.CblasColMajor;
    private static final int ROW_MAJOR = openblas_nolapack.CblasRowMajor;
    private static final int TRANSPOSE = openblas_nolapack.CblasTrans;
    private static final int NO_TRANSPOSE = openblas_nolapack.CblasNoTrans;

    private static final Plans<Plan> PLANS = new Plans<>(Plan::of);

    private ChainInference() {}

    /** The output for {@code input} (at most {@link #MAX_BATCH} rows of 784 pixels), or null: DL4J computes it. */
    static INDArray output(MultiLayerNetwork net, INDArray input) {
        Plan plan = plan(net, input);
        if (plan == null) {
            return null;
        }
        int n = (int) input.size(0);
        INDArray out = Nd4j.createUninitializedDetached(DataType.FLOAT, n, plan.outputs());
        synchronized (plan) {
            plan.run(rows(input, plan), n, floats(pointer(out), n * plan.outputs()));
        }
        return out;
    }

    /**
     * The output for {@code input} into {@code into}, row after row: up to {@link #MAX_BATCH} images as {@link
     * #output} (without an output array), more through {@link OneDnnChain} where the natives have oneDNN; false
     * where DL4J computes it.
     */
    static boolean predict(MultiLayerNetwork net, INDArray input, float[] into) {
        if (input.rank() == 2 && input.size(0) > MAX_BATCH) {
            return OneDnnChain.predict(net, input, into);
        }
        Plan plan = plan(net, input);
        if (plan == null) {
            return false;
        }
        synchronized (plan) {
            plan.run(rows(input, plan), (int) input.size(0), FloatBuffer.wrap(into));
        }
        return true;
    }

    /** The network's plan where it has one and it takes {@code input}, else null. */
    private static Plan plan(MultiLayerNetwork net, INDArray input) {
        if (input.rank() != 2 || input.size(0) > MAX_BATCH || input.dataType() != DataType.FLOAT) {
            return null;
        }
        Plan plan = PLANS.of(net);
        if (plan == null) {
            return null;
        }
        if (input.size(1) != plan.inputs()) {
            return null; // DL4J says what is wrong with it
        }
        if (input.size(0) > 1 && plan.steps().stream().noneMatch(s -> s instanceof Convolution)) {
            // dense layers alone: DL4J's fast path makes one sgemm for the batch, whose sums its single-image sgemv
            // does not reproduce bit for bit; its outputs for a batch stay DL4J's exactly
            return null;
        }
        return plan;
    }

    /** The input's values, read where they are when they are contiguous rows (a copy costs 5 us, a tenth of a MLP's image). */
    private static FloatBuffer rows(INDArray input, Plan plan) {
        INDArray x = input.ordering() == 'c' && input.elementWiseStride() == 1 ? input : input.dup('c');
        return floats(pointer(x), (int) input.size(0) * plan.inputs());
    }

    /** One layer's step for one image: from the heap array {@code in} into {@code out}. */
    private interface Step {
        int outputs();

        void run(float[] in, float[] out);
    }

    /**
     * Feature maps of one image: {@code channels x height x width} values, channel-first (NCHW, DL4J's layout) or
     * channel-last (NHWC, oneDNN's).
     */
    private record Maps(int channels, int height, int width, boolean nhwc) {
        int size() {
            return channels * height * width;
        }

        int channelStride() {
            return nhwc ? 1 : height * width;
        }

        int rowStride() {
            return nhwc ? width * channels : width;
        }

        int columnStride() {
            return nhwc ? channels : 1;
        }

        Maps as(boolean channelLast) {
            return new Maps(channels, height, width, channelLast);
        }
    }

    /** A step that gives feature maps. */
    private interface MapsStep extends Step {
        Maps output();

        @Override
        default int outputs() {
            return output().size();
        }
    }

    private record Plan(List<Step> steps, float[][] buffers, int inputs, int outputs) {
        static Plan of(MultiLayerNetwork net) {
            if (!Nd4j.getEnvironment().isCPU() || net.params().dataType() != DataType.FLOAT) {
                return null;
            }
            Layer[] layers = net.getLayers();
            List<Step> steps = new ArrayList<>();
            Maps maps = null; // the current feature maps, or null for a vector
            int inputs = -1; // what the first step takes: a flat image
            for (int i = 0; i < layers.length; i++) {
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre instanceof FeedForwardToCnnPreProcessor f && maps == null) {
                    maps = new Maps((int) f.getNumChannels(), (int) f.getInputHeight(), (int) f.getInputWidth(), false);
                } else if (pre instanceof CnnToFeedForwardPreProcessor c
                        && c.getFormat() == CNN2DFormat.NCHW
                        && maps != null) {
                    // flattened in DL4J's (c, h, w) order, which the dense layer reads from either layout
                } else if (pre != null) {
                    return null;
                }
                Layer layer = layers[i];
                Step step;
                if (layer instanceof FastConvolutionLayer && maps != null) {
                    step = maps.nhwc() && OneDnnConvolution.worth(layer, maps)
                            ? OneDnnConvolution.of(layer, maps)
                            : Convolution.of(layer, maps);
                } else if (layer.getClass()
                                == org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class
                        && maps != null) {
                    MaxPooling pool = MaxPooling.of(layer, maps);
                    if (pool != null
                            && !steps.isEmpty()
                            && steps.get(steps.size() - 1) instanceof ReluAfter conv
                            && conv.relu()) {
                        // the convolution's ReLU after the pooling, on a quarter of the values: max and ReLU commute
                        steps.set(steps.size() - 1, conv.withoutRelu());
                        pool = pool.withRelu();
                    }
                    step = pool;
                } else if ((layer instanceof FastDenseLayer || layer instanceof FastOutputLayer)) {
                    step = Dense.of(layer, maps);
                } else if (layer.getClass() == org.deeplearning4j.nn.layers.DropoutLayer.class) {
                    continue; // identity at inference
                } else {
                    return null;
                }
                if (step == null) {
                    return null;
                }
                if (inputs < 0) {
                    inputs = step instanceof Dense d ? d.nIn() : maps.size();
                }
                maps = step instanceof MapsStep m ? m.output() : null;
                steps.add(step);
            }
            if (steps.isEmpty() || maps != null) {
                return null;
            }
            int largest = inputs;
            for (Step s : steps) {
                largest = Math.max(largest, s.outputs());
            }
            return new Plan(
                    steps,
                    new float[][] {new float[largest], new float[largest]},
                    inputs,
                    steps.get(steps.size() - 1).outputs());
        }

        /** The outputs of {@code n} images, {@code xs} one after another, into {@code os}. */
        void run(FloatBuffer xs, int n, FloatBuffer os) {
            for (int r = 0; r < n; r++) {
                xs.get(r * inputs, buffers[0], 0, inputs);
                int which = 0;
                for (Step s : steps) {
                    s.run(buffers[which], buffers[1 - which]);
                    which = 1 - which;
                }
                os.put(r * outputs, buffers[which], 0, outputs);
            }
        }
    }

    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer()); // a view's buffer already starts at the view (Affine)
    }

    private static FloatBuffer floats(FloatPointer p, int n) {
        return p.capacity(p.position() + n).asBuffer();
    }

    /** ReLU, softmax or identity over {@code n} values; anything else has no plan. */
    private static boolean supported(IActivation a) {
        return a instanceof ActivationReLU r
                        && r.getMax() == null
                        && (r.getThreshold() == null || r.getThreshold() == 0)
                        && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0)
                || a instanceof ActivationSoftmax
                || a instanceof ActivationIdentity;
    }

    private static void activate(IActivation a, float[] v, int n) {
        if (a instanceof ActivationReLU) {
            for (int i = 0; i < n; i++) {
                v[i] = Math.max(v[i], 0f);
            }
        } else if (a instanceof ActivationSoftmax) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, v[i]);
            }
            float sum = 0;
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(v[i] - max);
                v[i] = e;
                sum += e;
            }
            for (int i = 0; i < n; i++) {
                v[i] = v[i] / sum;
            }
        }
    }

    /**
     * DL4J's dense layer: {@code W} column-major {@code [nIn, nOut]}, the fast path's sgemv (the same call, so a
     * chain of dense layers gives DL4J's bits), bias, activation. {@code maps}: the feature maps it reads flattened,
     * in DL4J's (c, h, w) order whatever their layout, or null.
     */
    private record Dense(
            Layer layer,
            int nIn,
            int nOut,
            IActivation activation,
            Maps maps,
            FloatPointer x,
            FloatPointer z,
            float[] flat)
            implements Step {
        static Dense of(Layer layer, Maps maps) {
            INDArray w = layer.getParam("W");
            IActivation a =
                    ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer.conf().getLayer()).getActivationFn();
            if (w.rank() != 2
                    || w.ordering() != 'f'
                    || layer.getParam("b") == null
                    || !supported(a)
                    || (maps != null && maps.size() != w.size(0))) {
                return null;
            }
            int nIn = (int) w.size(0);
            int nOut = (int) w.size(1);
            float[] flat = maps != null && maps.nhwc() ? new float[nIn] : null;
            return new Dense(layer, nIn, nOut, a, maps, new FloatPointer(nIn), new FloatPointer(nOut), flat);
        }

        @Override
        public int outputs() {
            return nOut;
        }

        @Override
        public void run(float[] in, float[] out) {
            if (flat != null) { // NHWC maps (a oneDNN convolution's), flattened in DL4J's (c, h, w) order
                int at = 0;
                for (int c = 0; c < maps.channels(); c++) {
                    for (int y = 0; y < maps.height(); y++) {
                        for (int xx = 0; xx < maps.width(); xx++) {
                            flat[at++] = in[(y * maps.width() + xx) * maps.channels() + c];
                        }
                    }
                }
                floats(x, nIn).put(0, flat, 0, nIn);
            } else {
                floats(x, nIn).put(0, in, 0, nIn);
            }
            floats(z, nOut).put(0, floats(pointer(layer.getParam("b")), nOut), 0, nOut);
            openblas_nolapack.cblas_sgemv(
                    COL_MAJOR, TRANSPOSE, nIn, nOut, 1f, pointer(layer.getParam("W")), nIn, x, 1, 1f, z, 1);
            floats(z, nOut).get(0, out, 0, nOut);
            activate(activation, out, nOut);
        }
    }

    /** A convolution whose ReLU a following max pooling can take over. */
    private interface ReluAfter extends MapsStep {
        boolean relu();

        Step withoutRelu();
    }

    /**
     * A valid, undilated convolution with bias: im2col of the image (either layout) into {@code (c kh kw) x (oh ow)},
     * then {@code W [out, c kh kw] x col} in one sgemm, NCHW maps; bias and ReLU. (NHWC maps through {@code col^T x
     * W^T} took longer: 32 us against 22 for the convnet's first convolution, 23 against 18 for its third.)
     */
    private record Convolution(
            Layer layer,
            Maps in,
            Maps out,
            int kh,
            int kw,
            int sh,
            int sw,
            FloatPointer col,
            FloatPointer z,
            float[] cols,
            float[] bias,
            boolean relu)
            implements ReluAfter {
        static Convolution of(Layer layer, Maps maps) {
            ConvolutionLayer conf = (ConvolutionLayer) layer.conf().getLayer();
            if (!covered(layer, maps)) {
                return null;
            }
            int[] k = conf.getKernelSize();
            int[] s = conf.getStride();
            Maps out = outputMaps(conf, maps, false);
            int depth = maps.channels() * k[0] * k[1];
            int plane = out.height() * out.width();
            return new Convolution(
                    layer,
                    maps,
                    out,
                    k[0],
                    k[1],
                    s[0],
                    s[1],
                    new FloatPointer((long) depth * plane),
                    new FloatPointer(out.size()),
                    new float[depth * plane],
                    new float[out.channels()],
                    conf.getActivationFn() instanceof ActivationReLU);
        }

        @Override
        public Maps output() {
            return out;
        }

        @Override
        public Step withoutRelu() {
            return new Convolution(layer, in, out, kh, kw, sh, sw, col, z, cols, bias, false);
        }

        @Override
        public void run(float[] x, float[] output) {
            int cs = in.channelStride();
            int ys = in.rowStride();
            int xs = in.columnStride();
            int oh = out.height();
            int ow = out.width();
            int step = sw * xs;
            int at = 0;
            for (int ch = 0; ch < in.channels(); ch++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++) {
                        for (int y = 0; y < oh; y++) {
                            int from = ch * cs + (y * sh + i) * ys + j * xs;
                            for (int xx = 0; xx < ow; xx++) {
                                cols[at++] = x[from + xx * step];
                            }
                        }
                    }
                }
            }
            int filters = out.channels();
            int plane = oh * ow;
            int depth = in.channels() * kh * kw;
            floats(col, depth * plane).put(0, cols, 0, depth * plane);
            openblas_nolapack.cblas_sgemm(
                    ROW_MAJOR,
                    NO_TRANSPOSE,
                    NO_TRANSPOSE,
                    filters,
                    plane,
                    depth,
                    1f,
                    pointer(layer.getParam("W")),
                    depth,
                    col,
                    plane,
                    0f,
                    z,
                    plane);
            floats(z, filters * plane).get(0, output, 0, filters * plane);
            floats(pointer(layer.getParam("b")), filters).get(0, bias, 0, filters);
            for (int f = 0; f < filters; f++) {
                float b = bias[f];
                for (int q = f * plane, end = q + plane; q < end; q++) {
                    output[q] += b;
                }
            }
            if (relu) {
                for (int q = 0; q < filters * plane; q++) {
                    output[q] = Math.max(output[q], 0f);
                }
            }
        }
    }

    /** A valid convolution's output maps. */
    private static Maps outputMaps(ConvolutionLayer conf, Maps maps, boolean nhwc) {
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        return new Maps(
                (int) conf.getNOut(), (maps.height() - k[0]) / s[0] + 1, (maps.width() - k[1]) / s[1] + 1, nhwc);
    }

    /** The convolutions both steps cover: valid, undilated, with bias, NCHW in DL4J, ReLU or none. */
    private static boolean covered(Layer layer, Maps maps) {
        ConvolutionLayer conf = (ConvolutionLayer) layer.conf().getLayer();
        INDArray w = layer.getParam("W");
        int[] p = conf.getPadding();
        int[] d = conf.getDilation();
        boolean valid = conf.getConvolutionMode() == ConvolutionMode.Truncate
                || conf.getConvolutionMode() == ConvolutionMode.Strict;
        return valid
                && p[0] == 0
                && p[1] == 0
                && d[0] == 1
                && d[1] == 1
                && w.ordering() == 'c'
                && conf.hasBias()
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && supported(conf.getActivationFn())
                && !(conf.getActivationFn() instanceof ActivationSoftmax)
                && w.size(1) == maps.channels();
    }

    /**
     * A convolution as libnd4j's {@code conv2d} op on oneDNN, for one image on the calling thread alone (waking a
     * second thread costs more than it saves here), NHWC maps in and out, through a context of its own whose arrays
     * stay; then the ReLU. For the large convolutions only ({@link #worth}), where oneDNN's AVX-512 kernel beats
     * im2col and OpenBLAS enough to pay for the op's own cost (about 10 us): measured on the convnet's second
     * convolution (32 maps of 13x13 in, 64 out, 2.2 M multiply-adds), 37 us against 54 for OpenBLAS's sgemm alone;
     * its third (0.33 M), 23 against 26 plus im2col.
     */
    private record OneDnnConvolution(
            Layer layer, Maps in, Maps out, INDArray x, INDArray z, DynamicCustomOp op, OpContext context, boolean relu)
            implements ReluAfter {
        /** oneDNN's convolution where the natives have it and the layer makes at least a million multiply-adds. */
        static boolean worth(Layer layer, Maps maps) {
            if (!Helpers.onednn() || !covered(layer, maps)) {
                return false;
            }
            ConvolutionLayer conf = (ConvolutionLayer) layer.conf().getLayer();
            int[] k = conf.getKernelSize();
            int[] s = conf.getStride();
            long plane = (long) ((maps.height() - k[0]) / s[0] + 1) * ((maps.width() - k[1]) / s[1] + 1);
            return plane * conf.getNOut() * maps.channels() * k[0] * k[1] >= 1_000_000;
        }

        static OneDnnConvolution of(Layer layer, Maps maps) {
            ConvolutionLayer conf = (ConvolutionLayer) layer.conf().getLayer();
            int[] k = conf.getKernelSize();
            int[] s = conf.getStride();
            Maps out = new Maps(
                    (int) conf.getNOut(), (maps.height() - k[0]) / s[0] + 1, (maps.width() - k[1]) / s[1] + 1, true);
            INDArray x =
                    Nd4j.createUninitializedDetached(DataType.FLOAT, 1, maps.height(), maps.width(), maps.channels());
            INDArray z = Nd4j.createUninitializedDetached(DataType.FLOAT, 1, out.height(), out.width(), out.channels());
            OpContext context = Nd4j.getExecutioner().buildContext();
            context.setInputArray(0, x);
            context.setOutputArray(0, z);
            context.setIArguments(k[0], k[1], s[0], s[1], 0, 0, 1, 1, 0, 1, 1); // valid, NHWC, W [out, in, kH, kW]
            return new OneDnnConvolution(
                    layer,
                    maps.as(true),
                    out,
                    x,
                    z,
                    DynamicCustomOp.builder("conv2d").build(),
                    context,
                    conf.getActivationFn() instanceof ActivationReLU);
        }

        @Override
        public Maps output() {
            return out;
        }

        @Override
        public Step withoutRelu() {
            return new OneDnnConvolution(layer, in, out, x, z, op, context, false);
        }

        @Override
        public void run(float[] input, float[] output) {
            floats(pointer(x), in.size()).put(0, input, 0, in.size());
            INDArray b = layer.getParam("b");
            context.setInputArray(1, layer.getParam("W"));
            context.setInputArray(2, b.reshape(b.length()));
            Helpers.onOneThread(() -> Nd4j.exec(op, context));
            floats(pointer(z), out.size()).get(0, output, 0, out.size());
            if (relu) {
                for (int i = 0; i < out.size(); i++) {
                    output[i] = Math.max(output[i], 0f);
                }
            }
        }
    }

    /**
     * DL4J's max pooling, valid (truncating), into NHWC maps; then the ReLU if asked. From NHWC maps the loops run
     * over the channels, which the JIT turns into vector max instructions: a loop over one map's positions compiles
     * to branches that real images mispredict (measured in place: 53 us for the convnet's first pooling, 20 us on
     * regular test data; 3-4 us over the channels).
     */
    private record MaxPooling(Maps in, Maps out, int kh, int kw, int sh, int sw, boolean relu) implements MapsStep {
        static MaxPooling of(Layer layer, Maps maps) {
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
            Maps out = new Maps(
                    maps.channels(), (maps.height() - k[0]) / s[0] + 1, (maps.width() - k[1]) / s[1] + 1, true);
            return new MaxPooling(maps, out, k[0], k[1], s[0], s[1], false);
        }

        MaxPooling withRelu() {
            return new MaxPooling(in, out, kh, kw, sh, sw, true);
        }

        @Override
        public Maps output() {
            return out;
        }

        @Override
        public void run(float[] x, float[] z) {
            int channels = out.channels();
            int cs = in.channelStride();
            int ys = in.rowStride();
            int xs = in.columnStride();
            float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
            for (int y = 0, to = 0; y < out.height(); y++) {
                for (int xx = 0; xx < out.width(); xx++, to += channels) {
                    int corner = y * sh * ys + xx * sw * xs;
                    for (int c = 0; c < channels; c++) {
                        z[to + c] = floor;
                    }
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            int from = corner + i * ys + j * xs;
                            if (cs == 1) {
                                for (int c = 0; c < channels; c++) {
                                    z[to + c] = Math.max(z[to + c], x[from + c]);
                                }
                            } else {
                                for (int c = 0; c < channels; c++) {
                                    z[to + c] = Math.max(z[to + c], x[from + c * cs]);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
