package dev.kerasmnist.model.fast;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * DL4J's output layer implementation computing {@code z = xW + b} once per training step: stock DL4J computes it in
 * backprop and again for the score. Its products are stock DL4J's ops with stock layouts ({@link Affine}). The gradient is the stock loss
 * function's (for softmax with MCXENT that is
 * {@code softmax(z) - y}), so parameters evolve bit for bit as with the stock layer. One input row at inference is
 * one matrix-vector product. Masks, dropout and weight noise take the stock path.
 */
final class FastOutputLayer extends org.deeplearning4j.nn.layers.OutputLayer {
    private final TrainingState network;
    private INDArray keptZ;
    private INDArray keptFor;
    private INDArray lastLogits;

    FastOutputLayer(NeuralNetConfiguration conf, DataType dataType, TrainingState network) {
        super(conf, dataType);
        this.network = network;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (plain()) {
            INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
            INDArray b = hasBias() ? getParam(DefaultParamInitializer.BIAS_KEY) : null;
            INDArray z = training ? null : Affine.preOutputOneRow(input, w, b, workspaceMgr);
            if (z == null) {
                z = Affine.preOutput(input, w, b, workspaceMgr);
            }
            if (z != null) {
                return layerConf().getActivationFn().getActivation(z, training);
            }
        }
        return super.activate(training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        keptZ = null;
        lastLogits = null;
        if (!plain()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray z =
                Affine.preOutput(input, w, hasBias() ? getParam(DefaultParamInitializer.BIAS_KEY) : null, workspaceMgr);
        if (z == null) {
            z = preOutput2d(true, workspaceMgr);
        }
        ILossFunction loss = layerConf().getLossFn();
        INDArray delta = loss.computeGradient(
                getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM),
                z,
                layerConf().getActivationFn(),
                maskArray);
        Gradient gradient = new DefaultGradient();
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(input.castTo(weightGrad.dataType()), delta, weightGrad, true, false, 1.0, 0.0);
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        if (hasBias()) {
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            delta.sum(biasGrad, 0);
            gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        delta = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, delta);
        // dL/dx = (W delta^T)^T, as stock BaseOutputLayer computes it: a transposed view, not a transpose flag,
        // which some OpenBLAS kernels sum in another order
        INDArray epsilonNext = workspaceMgr.createUninitialized(
                ArrayType.ACTIVATION_GRAD, delta.dataType(), new long[] {w.size(0), delta.size(0)}, 'f');
        epsilonNext = w.mmuli(delta.transpose(), epsilonNext).transpose();
        keptZ = z.detach(); // z lives in a backprop workspace that is closed before the score is computed
        lastLogits = keptZ;
        keptFor = input;
        network.lossBackpropagated();
        return new Pair<>(gradient, epsilonNext);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray z = keptZ;
        keptZ = null;
        if (z == null || keptFor != input || !training || labels == null || fullNetRegTerm != 0) {
            return super.computeScore(fullNetRegTerm, training, workspaceMgr);
        }
        // The stock computation on the z this step's backprop already computed
        double score = layerConf()
                .getLossFn()
                .computeScore(
                        getLabels2d(workspaceMgr, ArrayType.FF_WORKING_MEM),
                        z,
                        layerConf().getActivationFn(),
                        maskArray,
                        false);
        if (conf().isMiniBatch()) {
            score /= getInputMiniBatchSize();
        }
        this.score = score;
        return score;
    }

    /** z of the last training step's batch, computed before that step's update (what Keras's metrics see). */
    INDArray lastLogits() {
        return lastLogits;
    }

    private boolean plain() {
        return maskArray == null
                && layerConf().getIDropout() == null
                && layerConf().getWeightNoise() == null;
    }
}
