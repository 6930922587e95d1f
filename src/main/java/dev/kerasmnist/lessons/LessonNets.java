package dev.kerasmnist.lessons;

import dev.kerasmnist.model.KerasLoss;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Small DL4J networks for the lessons. Unlike the tutorial's model these vary the activation, optimiser and loss,
 * so they are built here directly; initialisation and losses follow Keras (glorot_uniform, zero biases,
 * {@link KerasLoss}).
 */
final class LessonNets {
    private LessonNets() {
    }

    /**
     * A fully connected network.
     *
     * @param hidden width of each hidden layer, all with {@code hiddenActivation}
     */
    static MultiLayerNetwork mlp(int inputs, List<Integer> hidden, Activation hiddenActivation, int outputs,
                                 Activation outputActivation, KerasLoss loss, IUpdater updater, long seed) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed).dataType(DataType.FLOAT).updater(updater)
                .weightInit(WeightInit.XAVIER_UNIFORM).biasInit(0).list();
        int in = inputs;
        for (int units : hidden) {
            list.layer(new DenseLayer.Builder().nIn(in).nOut(units).activation(hiddenActivation).build());
            in = units;
        }
        list.layer(new OutputLayer.Builder(loss.dl4j(outputs)).nIn(in).nOut(outputs).activation(outputActivation).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    /** The same network re-initialised with He initialisation (DL4J {@code WeightInit.RELU}, Keras he_normal). */
    static MultiLayerNetwork withHeInit(MultiLayerNetwork net) {
        org.deeplearning4j.nn.conf.MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        for (org.deeplearning4j.nn.conf.NeuralNetConfiguration layer : conf.getConfs()) {
            ((org.deeplearning4j.nn.conf.layers.BaseLayer) layer.getLayer())
                    .setWeightInitFn(WeightInit.RELU.getWeightInitFunction());
        }
        MultiLayerNetwork he = new MultiLayerNetwork(conf);
        he.init();
        return he;
    }
}
