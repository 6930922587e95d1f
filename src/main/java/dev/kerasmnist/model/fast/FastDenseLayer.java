package dev.kerasmnist.model.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's dense layer implementation without its repeated work, for plain ReLU layers:
 * <ul>
 *   <li>backprop derives relu'(z) from the kept activation (a > 0 exactly when z > 0) instead of recomputing
 *       {@code z = xW + b}, which {@code BaseLayer.backpropGradient} does with a second forward GEMM;</li>
 *   <li>the first layer skips dL/dx while training, which {@code MultiLayerNetwork} discards there;</li>
 *   <li>one input row at inference is one matrix-vector product ({@link Affine}).</li>
 * </ul>
 * The gradient GEMMs are DL4J's own calls, so parameters evolve bit for bit as with the stock layer. Anything else
 * (other activations, dropout, weight noise, masks, layer norm) takes the stock path.
 */
final class FastDenseLayer extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer {
    private final TrainingState network;
    private INDArray keptActivation;
    private INDArray keptFor;

    FastDenseLayer(NeuralNetConfiguration conf, DataType dataType, TrainingState network) {
        super(conf, dataType);
        this.network = network;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        keptActivation = null;
        if (!training && plain()) {
            INDArray z = Affine.preOutputOneRow(
                    input,
                    getParam(DefaultParamInitializer.WEIGHT_KEY),
                    getParam(DefaultParamInitializer.BIAS_KEY),
                    workspaceMgr);
            if (z != null) {
                return layerConf().getActivationFn().getActivation(z, false);
            }
        }
        INDArray a = plain()
                ? layerConf().getActivationFn().getActivation(preOutput(input, workspaceMgr), training)
                : super.activate(training, workspaceMgr);
        if (training && reluOnly()) {
            keptActivation = a; // lives in DL4J's activations workspace until this step's backprop is done
            keptFor = input;
        }
        return a;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray a = keptActivation;
        keptActivation = null;
        boolean inputGradientUnused = getIndex() == 0 && network.training();
        if (a == null || keptFor != input || !reluOnly() || !plain()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        // dL/dz = eps where a > 0, else 0: the stock ReLU backprop's op, written over eps (not needed afterwards)
        INDArray delta = Nd4j.getExecutioner().exec(new RectifiedLinearDerivative(a, epsilon, epsilon, 0.0))[0];
        Gradient gradient = new DefaultGradient();
        if (hasBias()) {
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            delta.sum(biasGrad, 0);
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray epsilonNext = null;
        if (!inputGradientUnused) {
            epsilonNext = workspaceMgr.createUninitialized(
                    ArrayType.ACTIVATION_GRAD, delta.dataType(), new long[] {w.size(0), delta.size(0)}, 'f');
            epsilonNext = w.mmuli(delta.transpose(), epsilonNext).transpose();
        }
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(input.castTo(weightGrad.dataType()), delta, weightGrad, true, false, 1.0, 0.0);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        return new Pair<>(gradient, epsilonNext);
    }

    /** z through {@link Affine}, or DL4J's own computation when the input needs its validation or casting. */
    private INDArray preOutput(INDArray x, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray z = Affine.preOutput(
                x,
                getParam(DefaultParamInitializer.WEIGHT_KEY),
                hasBias() ? getParam(DefaultParamInitializer.BIAS_KEY) : null,
                workspaceMgr);
        return z != null ? z : preOutput(false, workspaceMgr);
    }

    /** No mask, dropout, weight noise or layer norm: the cases the fast paths cover. */
    private boolean plain() {
        return maskArray == null
                && !hasLayerNorm()
                && layerConf().getIDropout() == null
                && layerConf().getWeightNoise() == null;
    }

    private boolean reluOnly() {
        return layerConf().getActivationFn() instanceof ActivationReLU r
                && r.getMax() == null
                && r.getThreshold() == null
                && r.getNegativeSlope() == null;
    }
}
