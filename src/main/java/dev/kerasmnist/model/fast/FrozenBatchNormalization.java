package dev.kerasmnist.model.fast;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A BatchNormalization that Keras does not train ({@code trainable=False}), as Keras 3 runs it: in inference mode,
 * {@code y = gamma (x - moving_mean) / sqrt(moving_variance + epsilon) + beta}, so its gradient to the input is
 * {@code gamma / sqrt(moving_variance + epsilon)} per channel. DL4J's {@code FrozenLayerWithBackprop} around its
 * BatchNormalization runs the inference forward pass but backpropagates the training-mode formula (through the batch
 * statistics), which is another gradient, and it fails on the training pass's cached arrays (a workspace error in
 * DL4J 1.0.0-M2.1). The configuration stays the stock frozen layer, so the saved file is stock.
 */
final class FrozenBatchNormalization extends FrozenLayerWithBackprop {
    private final Gradient noGradient;

    FrozenBatchNormalization(BatchNormalization underlying) {
        super(underlying);
        noGradient = new DefaultGradient(underlying.params());
    }

    /** Whether {@code layer} is a frozen BatchNormalization this class computes as Keras does. */
    static boolean applies(Layer layer) {
        return layer.getClass() == FrozenLayerWithBackprop.class
                && ((FrozenLayerWithBackprop) layer).getUnderlying() instanceof BatchNormalization bn
                && !bn.layerConf().isUseLogStd()
                && !bn.layerConf().isLockGammaBeta();
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        BatchNormalization bn = (BatchNormalization) getUnderlying();
        INDArray gamma = bn.getParam(BatchNormalizationParamInitializer.GAMMA);
        INDArray variance = bn.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR);
        INDArray scale = Transforms.sqrt(variance.add(bn.layerConf().getEps()), false)
                .rdivi(gamma)
                .reshape(gamma.length());
        INDArray dx = workspaceMgr.createUninitialized(
                ArrayType.ACTIVATION_GRAD, epsilon.dataType(), epsilon.shape(), epsilon.ordering());
        int channels =
                epsilon.rank() == 4 && bn.layerConf().getCnn2DFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC
                        ? 3
                        : 1;
        Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, scale, dx, channels));
        return new Pair<>(noGradient, dx);
    }
}
