package dev.kerasmnist.model.fast;

import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.failures.SettingException;
import dev.kerasmnist.model.EpsilonPlacement;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Swaps a network's in-memory dense layers, output layer and updater for the faster implementations of this package,
 * sharing the same parameter, gradient and updater-state arrays. The configuration objects are untouched, so the
 * network saves to a stock DL4J zip. Installed once where a network is built or
 * loaded ({@code KerasToDl4j.build}, {@code ModelStore.load} and {@code restore}, through {@link FastPathProvider}),
 * with the optimiser settings of its
 * spec or provenance.
 *
 * <p>Only public DL4J API is used ({@code setLayers}, {@code setUpdater}). One hook is missing: DL4J has no setter
 * for the name-to-layer map, so {@code getLayer(String)} still returns the stock layer object, which shares the
 * parameters (its outputs are the same); {@code getLayer(int)} and {@code getLayers()} return the fast ones.
 */
public final class FastPath {
    private FastPath() {}

    /**
     * Installs the fast implementations into {@code net} (idempotent) and returns it.
     *
     * @param epsilon where the RMSprop step adds epsilon; {@link EpsilonPlacement#INSIDE_SQRT} is available only
     *                through this updater (DL4J's op has no such option), so it needs the fused path
     * @throws IllegalArgumentException if INSIDE_SQRT is asked of a network the fused updater cannot train
     */
    public static MultiLayerNetwork install(MultiLayerNetwork net, EpsilonPlacement epsilon) {
        if (!Nd4j.getEnvironment().isCPU()) {
            // These layers call OpenBLAS and oneDNN on host memory; on a GPU backend (-Pcuda) DL4J's own layers
            // run on the device, with cuDNN. (Keras 3's epsilon placement is then not available.)
            if (epsilon == EpsilonPlacement.INSIDE_SQRT) {
                throw new SettingException(
                        "epsilon inside the square root (Keras 3's RMSprop) runs on the CPU backend only",
                        List.of(new Remedy.EpsilonOutsideSqrt()));
            }
            return net;
        }
        Helpers.offByDefault();
        Layer[] stock = net.getLayers();
        Layer[] layers = stock.clone();
        TrainingState state = new TrainingState();
        for (int i = 0; i < layers.length; i++) {
            Layer old = layers[i];
            if (old.getClass() == org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer.class) {
                layers[i] = adopt(old, new FastDenseLayer(old.conf(), dataType(old), state));
            } else if (old.getClass() == org.deeplearning4j.nn.layers.OutputLayer.class) {
                layers[i] = adopt(old, new FastOutputLayer(old.conf(), dataType(old), state));
            } else if (old.getClass() == org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class
                    && undilated(old)) {
                layers[i] = adopt(old, new FastConvolutionLayer(old.conf(), dataType(old)));
            } else if (FrozenBatchNormalization.applies(old)) {
                FrozenBatchNormalization frozen =
                        new FrozenBatchNormalization((org.deeplearning4j.nn.layers.normalization.BatchNormalization)
                                ((org.deeplearning4j.nn.layers.FrozenLayerWithBackprop) old).getUnderlying());
                frozen.setIndex(old.getIndex());
                frozen.setListeners(old.getListeners());
                layers[i] = frozen; // the same underlying layer, so the same parameters
            }
        }
        net.setLayers(layers);
        Updater current = net.getUpdater();
        if (current instanceof FusedRmsPropUpdater fused && fused.epsilon() == epsilon) {
            return net; // installed already
        }
        if (current instanceof MultiLayerUpdater) {
            FusedRmsPropUpdater fused = new FusedRmsPropUpdater(net, current.getStateViewArray(), epsilon);
            if (!fused.fused() && epsilon == EpsilonPlacement.INSIDE_SQRT) {
                throw new IllegalArgumentException("epsilon inside the square root needs plain RMSprop on every"
                        + " layer, without regularization or gradient normalization");
            }
            net.setUpdater(fused);
        }
        return net;
    }

    /**
     * Puts {@link FrozenBatchNormalization} in place of a graph's frozen BatchNormalization layers (idempotent) and
     * returns the graph; its other layers and its updater stay DL4J's own, which the fast layers do not replace in a
     * graph. ComputationGraph has no {@code setLayers}: each such {@link LayerVertex} takes the new layer through its
     * public {@code setLayer}, and the graph's layer array, which {@code getLayers()} returns itself, the same.
     */
    public static ComputationGraph install(ComputationGraph graph) {
        Layer[] layers = graph.getLayers();
        for (GraphVertex vertex : graph.getVertices()) {
            if (vertex instanceof LayerVertex v && FrozenBatchNormalization.applies(v.getLayer())) {
                Layer old = v.getLayer();
                FrozenBatchNormalization frozen =
                        new FrozenBatchNormalization((org.deeplearning4j.nn.layers.normalization.BatchNormalization)
                                ((org.deeplearning4j.nn.layers.FrozenLayerWithBackprop) old).getUnderlying());
                frozen.setIndex(old.getIndex());
                frozen.setListeners(old.getListeners());
                v.setLayer(frozen);
                for (int i = 0; i < layers.length; i++) {
                    if (layers[i] == old) {
                        layers[i] = frozen;
                    }
                }
            }
        }
        return graph;
    }

    /**
     * Whether a convolution reads adjacent pixels. oneDNN refuses the fast layer's conv2d call for a dilated kernel
     * ("could not create a descriptor for a dilated convolution"), so a dilated one keeps DL4J's own layer.
     */
    private static boolean undilated(Layer conv) {
        int[] d = ((org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
                        conv.conf().getLayer())
                .getDilation();
        return d[0] == 1 && d[1] == 1;
    }

    /** Steps the network's fused RMSprop updater has taken, or -1 where it trains through DL4J's own updater. */
    public static int fusedSteps(MultiLayerNetwork net) {
        return net.getUpdater() instanceof FusedRmsPropUpdater f && f.fused() ? f.steps() : -1;
    }

    /** Whether the output layer is a fast one, which keeps {@link #lastTrainingLogits} of every training step. */
    public static boolean hasFastOutputLayer(MultiLayerNetwork net) {
        return net.getOutputLayer() instanceof FastOutputLayer;
    }

    /**
     * The output layer's pre-activations of the last training step's batch, computed before that step's update,
     * or null when the output layer is not a fast one. Training metrics read them instead of a second forward pass.
     */
    public static INDArray lastTrainingLogits(MultiLayerNetwork net) {
        return net.getOutputLayer() instanceof FastOutputLayer out ? out.lastLogits() : null;
    }

    /** Gives the new implementation the old one's parameters, gradient views, index and listeners. */
    private static Layer adopt(Layer old, Layer fresh) {
        fresh.setIndex(old.getIndex());
        fresh.setListeners(old.getListeners());
        INDArray params = old.params();
        fresh.setParamsViewArray(params);
        fresh.setParamTable(old.conf().getLayer().initializer().init(old.conf(), params, false));
        if (old.getGradientsViewArray() != null) {
            fresh.setBackpropGradientsViewArray(old.getGradientsViewArray());
        }
        return fresh;
    }

    private static org.nd4j.linalg.api.buffer.DataType dataType(Layer layer) {
        return layer.params().dataType();
    }
}
