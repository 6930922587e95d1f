package dev.kerasmnist.lessons;

import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.KerasActivation;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.LayerSpec;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.RmsPropSpec;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Small networks for the lessons, described like every model here ({@link ModelSpec}, Keras's layers and defaults)
 * and built by {@link KerasToDl4j}; unlike the tutorial's they vary the activation, optimiser and loss.
 */
final class LessonNets {
    private LessonNets() {}

    /**
     * A fully connected network: {@code Dense(units, hiddenActivation)} per hidden layer, then
     * {@code Dense(outputs, outputActivation)}, compiled with {@code loss} and {@code updater}.
     */
    static MultiLayerNetwork mlp(
            int inputs,
            List<Integer> hidden,
            KerasActivation hiddenActivation,
            int outputs,
            KerasActivation outputActivation,
            KerasLoss loss,
            IUpdater updater,
            long seed) {
        List<LayerSpec> layers = new ArrayList<>();
        hidden.forEach(units -> layers.add(new DenseSpec(units, hiddenActivation)));
        layers.add(new DenseSpec(outputs, outputActivation));
        return KerasToDl4j.buildStock(new ModelSpec(inputs, layers, RmsPropSpec.KERAS_DEFAULTS, loss, seed), updater);
    }

    /** The same network re-initialised with He initialisation (DL4J {@code WeightInit.RELU}, Keras he_normal). */
    static MultiLayerNetwork withHeInit(MultiLayerNetwork net) {
        org.deeplearning4j.nn.conf.MultiLayerConfiguration conf =
                net.getLayerWiseConfigurations().clone();
        for (org.deeplearning4j.nn.conf.NeuralNetConfiguration layer : conf.getConfs()) {
            ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer.getLayer())
                    .setWeightInitFn(WeightInit.RELU.getWeightInitFunction());
        }
        MultiLayerNetwork he = new MultiLayerNetwork(conf);
        he.init();
        return he;
    }
}
