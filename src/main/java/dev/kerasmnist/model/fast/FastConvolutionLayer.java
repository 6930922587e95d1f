package dev.kerasmnist.model.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's 2D convolution layer through libnd4j's own {@code conv2d} / {@code conv2d_bp} ops, which the nd4j-native
 * build with oneDNN runs as oneDNN convolutions (DL4J's layer always takes its im2col + GEMM path instead). The
 * output and its ReLU are contiguous NCHW arrays (the stock layer applies the activation over a permuted view), and
 * backprop derives relu'(z) from the kept activation. Weights stay DL4J's {@code [out, in, kH, kW]} parameter view
 * (the ops' weight format 1), so the saved configuration and parameters are stock.
 *
 * <p>oneDNN and im2col sum the products in different orders: the numbers agree with the stock layer to float
 * rounding, not bit for bit ({@code FastConvolutionTest}). Anything else (other activations, NHWC, dropout, weight
 * noise, masks, other data types) takes the stock path.
 */
final class FastConvolutionLayer extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
    private INDArray keptActivation;
    private INDArray keptFor;

    FastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        keptActivation = null;
        if (!plain()) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        INDArray x = contiguous(input);
        long[] out = outputShape(layerConf(), x);
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), out, 'c');
        INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        DynamicCustomOp conv = DynamicCustomOp.builder("conv2d")
                .addInputs(hasBias() ? new INDArray[] {x, w, bias()} : new INDArray[] {x, w})
                .addOutputs(z)
                .addIntegerArguments(arguments(layerConf()))
                .build();
        Helpers.on(() -> Nd4j.exec(conv));
        if (relu()) {
            Nd4j.getExecutioner().exec(new RectifiedLinear(z, z, 0.0));
        }
        if (training) {
            keptActivation = z; // in DL4J's activations workspace until this step's backprop is done
            keptFor = input;
        }
        return z;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray a = keptActivation;
        keptActivation = null;
        if (a == null || keptFor != input || !plain()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray delta = contiguous(epsilon);
        if (relu()) { // dL/dz = eps where a > 0, else 0
            delta = Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(a, delta, delta.dup('c'), 0.0))[0];
        }
        INDArray x = contiguous(input);
        INDArray w = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        // conv2d_bp always computes dL/dx (the first layer's is dropped, after its input preprocessor's backprop)
        INDArray epsilonNext =
                workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
        Gradient gradient = new DefaultGradient();
        DynamicCustomOp.DynamicCustomOpsBuilder bp =
                DynamicCustomOp.builder("conv2d_bp").addIntegerArguments(arguments(layerConf()));
        if (hasBias()) {
            INDArray biasGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            bp.addInputs(x, w, bias(), delta).addOutputs(epsilonNext, weightGrad, biasGrad.reshape(biasGrad.length()));
            gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
        } else {
            bp.addInputs(x, w, delta).addOutputs(epsilonNext, weightGrad);
        }
        DynamicCustomOp backprop = bp.build();
        Helpers.on(() -> Nd4j.exec(backprop));
        gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad);
        return new Pair<>(gradient, epsilonNext);
    }

    /** libnd4j's conv2d integer arguments: kernel, strides, padding, dilation, same-mode, NCHW, weights [oC,iC,kH,kW]. */
    static int[] arguments(org.deeplearning4j.nn.conf.layers.ConvolutionLayer c) {
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] p = c.getPadding();
        int[] d = c.getDilation();
        boolean same = c.getConvolutionMode() == ConvolutionMode.Same;
        return new int[] {k[0], k[1], s[0], s[1], same ? 0 : p[0], same ? 0 : p[1], d[0], d[1], same ? 1 : 0, 0, 1};
    }

    static long[] outputShape(org.deeplearning4j.nn.conf.layers.ConvolutionLayer c, INDArray x) {
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] p = c.getPadding();
        int[] d = c.getDilation();
        long[] size = new long[2];
        for (int i = 0; i < 2; i++) {
            long in = x.size(2 + i);
            long kernel = k[i] + (long) (k[i] - 1) * (d[i] - 1);
            size[i] = c.getConvolutionMode() == ConvolutionMode.Same
                    ? (in + s[i] - 1) / s[i]
                    : (in - kernel + 2L * p[i]) / s[i] + 1;
        }
        return new long[] {x.size(0), c.getNOut(), size[0], size[1]};
    }

    private INDArray bias() {
        INDArray b = getParam(ConvolutionParamInitializer.BIAS_KEY);
        return b.reshape(b.length());
    }

    static INDArray contiguous(INDArray a) {
        return a.ordering() == 'c' && a.elementWiseStride() == 1 ? a : a.dup('c');
    }

    /** ReLU or no activation, NCHW floats, and none of the options the fast path does not cover. */
    private boolean plain() {
        return input != null
                && input.rank() == 4
                && input.dataType() == DataType.FLOAT
                && maskArray == null
                && plain(layerConf());
    }

    /** The configuration options the fast path covers: NCHW, ReLU or no activation, no dropout or weight noise. */
    static boolean plain(org.deeplearning4j.nn.conf.layers.ConvolutionLayer c) {
        return c.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && c.getIDropout() == null
                && c.getWeightNoise() == null
                && (relu(c.getActivationFn()) || c.getActivationFn() instanceof ActivationIdentity)
                && c.getConvolutionMode() != ConvolutionMode.Causal;
    }

    private boolean relu() {
        return relu(layerConf().getActivationFn());
    }

    /** Plain max(0, x): no cap, threshold or leak. */
    static boolean relu(IActivation activation) {
        return activation instanceof ActivationReLU r
                && r.getMax() == null
                && r.getThreshold() == null
                && r.getNegativeSlope() == null;
    }
}
