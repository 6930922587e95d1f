package dev.kerasmnist.model.fast;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
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
import org.nd4j.linalg.factory.Nd4j;

/**
 * A chain's inference for a few images at a time, as {@code predict} and {@code serve} run it: each layer one BLAS
 * call or one loop over preallocated native buffers, none of DL4J's per-layer machinery (workspaces, validation,
 * op dispatch), which costs more than the arithmetic for one image (the convnet's first convolution: 0.2 M
 * multiply-adds in about 100 us through DL4J's oneDNN call). Convolutions are im2col and one sgemm per image;
 * dense layers make the fast path's own sgemv call; pooling, bias, ReLU and softmax are plain loops. For the chains
 * of the recipes and imports made of these layers (valid convolutions, max pooling, dense, dropout); any other
 * layer, a batch over {@link #MAX_BATCH} (or over one image for a chain of dense layers only, whose DL4J output
 * is already one BLAS call) or a non-float network leaves the output to DL4J. The network's parameters
 * are read where they are on every call, so training and reloading need nothing here.
 *
 * <p>Convolutions sum their products in another order than oneDNN's, so outputs agree with DL4J's to float rounding
 * ({@code ChainInferenceTest}); dense layers make the same BLAS call as the fast path.
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

    /** The plans made, or null where a network cannot have one; weak: a plan goes with its network. */
    private static final Map<MultiLayerNetwork, Object> PLANS = new WeakHashMap<>();

    private static final Object NONE = new Object();

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
        Plan plan;
        synchronized (PLANS) {
            Object p = PLANS.computeIfAbsent(net, n -> {
                Plan made = Plan.of(n);
                return made == null ? NONE : made;
            });
            if (p == NONE) {
                return null;
            }
            plan = (Plan) p;
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

    /** One layer's step: from the buffer {@code in} into {@code out}, for one image. */
    private interface Step {
        int outputs();

        void run(FloatPointer in, FloatPointer out);
    }

    /** A step that gives feature maps, {@code (channels, height, width)}. */
    private interface MapsStep extends Step {
        int[] outputShape();

        @Override
        default int outputs() {
            int[] o = outputShape();
            return o[0] * o[1] * o[2];
        }
    }

    private record Plan(List<Step> steps, FloatPointer[] buffers, int inputs, int outputs) {
        static Plan of(MultiLayerNetwork net) {
            if (!Nd4j.getEnvironment().isCPU() || net.params().dataType() != DataType.FLOAT) {
                return null;
            }
            List<Step> steps = new ArrayList<>();
            int[] chw = null; // the feature maps' (channels, height, width), or null for a vector
            int inputs = -1; // what the first step takes: a flat image
            Layer[] layers = net.getLayers();
            for (int i = 0; i < layers.length; i++) {
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre instanceof FeedForwardToCnnPreProcessor f) {
                    chw = new int[] {(int) f.getNumChannels(), (int) f.getInputHeight(), (int) f.getInputWidth()};
                } else if (pre instanceof CnnToFeedForwardPreProcessor c && c.getFormat() == CNN2DFormat.NCHW) {
                    chw = null; // NCHW flattened in (c, h, w) order: the buffer as it is
                } else if (pre != null) {
                    return null;
                }
                Layer layer = layers[i];
                Step step;
                if (layer instanceof FastConvolutionLayer && chw != null) {
                    step = Convolution.of(layer, chw);
                } else if (layer.getClass()
                                == org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class
                        && chw != null) {
                    step = MaxPooling.of(layer, chw);
                } else if ((layer instanceof FastDenseLayer || layer instanceof FastOutputLayer) && chw == null) {
                    step = Dense.of(layer);
                } else if (layer.getClass() == org.deeplearning4j.nn.layers.DropoutLayer.class) {
                    continue; // identity at inference
                } else {
                    return null;
                }
                if (step == null) {
                    return null;
                }
                if (inputs < 0) {
                    inputs = step instanceof Dense d ? d.nIn() : chw[0] * chw[1] * chw[2];
                }
                if (step instanceof MapsStep maps) {
                    chw = maps.outputShape();
                }
                steps.add(step);
            }
            if (steps.isEmpty() || chw != null) {
                return null;
            }
            int largest = inputs;
            for (Step s : steps) {
                largest = Math.max(largest, s.outputs());
            }
            FloatPointer[] buffers = {new FloatPointer(largest), new FloatPointer(largest)};
            return new Plan(steps, buffers, inputs, steps.get(steps.size() - 1).outputs());
        }

        /** The outputs of {@code n} images, {@code xs} one after another, into {@code os}. */
        void run(FloatBuffer xs, int n, FloatBuffer os) {
            for (int r = 0; r < n; r++) {
                floats(buffers[0], inputs).put(0, xs, r * inputs, inputs);
                int which = 0;
                for (Step s : steps) {
                    s.run(buffers[which], buffers[1 - which]);
                    which = 1 - which;
                }
                os.put(r * outputs, floats(buffers[which], outputs), 0, outputs);
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

    private static void activate(IActivation a, FloatBuffer v, int n) {
        if (a instanceof ActivationReLU) {
            for (int i = 0; i < n; i++) {
                v.put(i, Math.max(v.get(i), 0f));
            }
        } else if (a instanceof ActivationSoftmax) {
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, v.get(i));
            }
            float sum = 0;
            for (int i = 0; i < n; i++) {
                float e = (float) Math.exp(v.get(i) - max);
                v.put(i, e);
                sum += e;
            }
            for (int i = 0; i < n; i++) {
                v.put(i, v.get(i) / sum);
            }
        }
    }

    /** DL4J's dense layer: {@code W} column-major {@code [nIn, nOut]}, the fast path's sgemv, bias, activation. */
    private record Dense(Layer layer, int nIn, int nOut, IActivation activation) implements Step {
        static Dense of(Layer layer) {
            INDArray w = layer.getParam("W");
            IActivation a =
                    ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer.conf().getLayer()).getActivationFn();
            if (w.rank() != 2 || w.ordering() != 'f' || layer.getParam("b") == null || !supported(a)) {
                return null;
            }
            return new Dense(layer, (int) w.size(0), (int) w.size(1), a);
        }

        @Override
        public int outputs() {
            return nOut;
        }

        @Override
        public void run(FloatPointer in, FloatPointer out) {
            floats(out, nOut).put(0, floats(pointer(layer.getParam("b")), nOut), 0, nOut);
            openblas_nolapack.cblas_sgemv(
                    COL_MAJOR, TRANSPOSE, nIn, nOut, 1f, pointer(layer.getParam("W")), nIn, in, 1, 1f, out, 1);
            activate(activation, floats(out, nOut), nOut);
        }
    }

    /**
     * A valid, undilated NCHW convolution with bias: im2col of the image into {@code (c kh kw) x (oh ow)}, then
     * {@code W [out, c kh kw] x col} in one sgemm, bias and activation.
     */
    private record Convolution(
            Layer layer,
            int[] in,
            int[] out,
            int kh,
            int kw,
            int sh,
            int sw,
            FloatPointer col,
            IActivation activation,
            Scratch scratch)
            implements MapsStep {
        static Convolution of(Layer layer, int[] chw) {
            ConvolutionLayer conf = (ConvolutionLayer) layer.conf().getLayer();
            INDArray w = layer.getParam("W");
            int[] k = conf.getKernelSize();
            int[] s = conf.getStride();
            int[] p = conf.getPadding();
            int[] d = conf.getDilation();
            boolean valid = conf.getConvolutionMode() == ConvolutionMode.Truncate
                    || conf.getConvolutionMode() == ConvolutionMode.Strict;
            if (!valid
                    || p[0] != 0
                    || p[1] != 0
                    || d[0] != 1
                    || d[1] != 1
                    || w.ordering() != 'c'
                    || !conf.hasBias()
                    || conf.getCnn2dDataFormat() != CNN2DFormat.NCHW
                    || !supported(conf.getActivationFn())
                    || conf.getActivationFn() instanceof ActivationSoftmax
                    || w.size(1) != chw[0]) {
                return null;
            }
            int oh = (chw[1] - k[0]) / s[0] + 1;
            int ow = (chw[2] - k[1]) / s[1] + 1;
            int[] out = {(int) w.size(0), oh, ow};
            FloatPointer col = new FloatPointer((long) chw[0] * k[0] * k[1] * oh * ow);
            int depth = chw[0] * k[0] * k[1];
            Scratch scratch = new Scratch(
                    new float[chw[0] * chw[1] * chw[2]],
                    new float[depth * oh * ow],
                    new float[out[0] * oh * ow],
                    new float[out[0]]);
            return new Convolution(layer, chw, out, k[0], k[1], s[0], s[1], col, conf.getActivationFn(), scratch);
        }

        @Override
        public int[] outputShape() {
            return out;
        }

        @Override
        public void run(FloatPointer input, FloatPointer output) {
            int c = in[0];
            int h = in[1];
            int w = in[2];
            int oh = out[1];
            int ow = out[2];
            int plane = oh * ow;
            float[] x = scratch.x;
            floats(input, c * h * w).get(0, x, 0, c * h * w); // heap arrays: loops the JIT compiles tightly
            float[] cols = scratch.col;
            int row = 0;
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < kh; i++) {
                    for (int j = 0; j < kw; j++, row++) {
                        int at = row * plane;
                        for (int y = 0; y < oh; y++) {
                            int from = ch * h * w + (y * sh + i) * w + j;
                            for (int xx = 0; xx < ow; xx++) {
                                cols[at++] = x[from + xx * sw];
                            }
                        }
                    }
                }
            }
            int filters = out[0];
            int depth = c * kh * kw;
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
                    output,
                    plane);
            float[] z = scratch.z;
            FloatBuffer zs = floats(output, filters * plane);
            zs.get(0, z, 0, filters * plane);
            float[] b = scratch.bias;
            floats(pointer(layer.getParam("b")), filters).get(0, b, 0, filters);
            boolean relu = activation instanceof ActivationReLU;
            for (int f = 0; f < filters; f++) {
                float bias = b[f];
                for (int q = f * plane, end = q + plane; q < end; q++) {
                    float v = z[q] + bias;
                    z[q] = relu ? Math.max(v, 0f) : v;
                }
            }
            zs.put(0, z, 0, filters * plane);
        }
    }

    /** A step's heap arrays: its input, im2col columns, output and bias (a plan runs one image at a time). */
    private record Scratch(float[] x, float[] col, float[] z, float[] bias) {}

    /** DL4J's max pooling, valid (truncating), NCHW. */
    private record MaxPooling(int[] in, int[] out, int kh, int kw, int sh, int sw, Scratch scratch)
            implements MapsStep {
        static MaxPooling of(Layer layer, int[] chw) {
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
            int[] out = {chw[0], (chw[1] - k[0]) / s[0] + 1, (chw[2] - k[1]) / s[1] + 1};
            return new MaxPooling(
                    chw,
                    out,
                    k[0],
                    k[1],
                    s[0],
                    s[1],
                    new Scratch(new float[chw[0] * chw[1] * chw[2]], null, new float[out[0] * out[1] * out[2]], null));
        }

        @Override
        public int[] outputShape() {
            return out;
        }

        @Override
        public void run(FloatPointer input, FloatPointer output) {
            int h = in[1];
            int w = in[2];
            float[] x = scratch.x;
            floats(input, in[0] * h * w).get(0, x, 0, in[0] * h * w);
            float[] z = scratch.z;
            int at = 0;
            for (int c = 0; c < out[0]; c++) {
                for (int y = 0; y < out[1]; y++) {
                    for (int xx = 0; xx < out[2]; xx++) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int i = 0; i < kh; i++) {
                            int row = c * h * w + (y * sh + i) * w + xx * sw;
                            for (int j = 0; j < kw; j++) {
                                m = Math.max(m, x[row + j]);
                            }
                        }
                        z[at++] = m;
                    }
                }
            }
            floats(output, at).put(0, z, 0, at);
        }
    }
}
