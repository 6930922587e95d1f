package dev.kerasmnist.model;

import dev.kerasmnist.model.fast.FastPath;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The one place where Keras's semantics become DL4J settings. Every DL4J default that differs from Keras's is
 * set explicitly here.
 */
public final class KerasToDl4j {
    private KerasToDl4j() {
    }

    /** The DL4J configuration equivalent to {@code spec}. */
    public static MultiLayerConfiguration configuration(ModelSpec spec) {
        RmsPropSpec rms = spec.optimizer();
        NeuralNetConfiguration.ListBuilder builder = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)                                  // keras.backend.floatx() == 'float32'
                .updater(new RmsProp(rms.learningRate(), rms.rho(), rms.epsilon()))
                .weightInit(WeightInit.XAVIER_UNIFORM)                     // glorot_uniform: U(+-sqrt(6/(in+out)))
                .biasInit(0.0)                                             // bias_initializer='zeros'
                .miniBatch(true)                                           // losses averaged over the batch
                .list();
        List<DenseSpec> layers = spec.layers();
        int in = spec.inputDim();
        for (int i = 0; i < layers.size(); i++) {
            DenseSpec layer = layers.get(i);
            boolean last = i == layers.size() - 1;
            if (last) {
                // Keras puts the loss on the model; DL4J on its last layer, an OutputLayer.
                builder.layer(new OutputLayer.Builder(lossFunction(spec.loss()))
                        .nIn(in).nOut(layer.units()).activation(activation(layer.activation())).build());
            } else {
                builder.layer(new DenseLayer.Builder()
                        .nIn(in).nOut(layer.units()).activation(activation(layer.activation())).build());
            }
            in = layer.units();
        }
        return builder.build();
    }

    /**
     * An initialised network for {@code spec}, its RMSprop accumulators at zero as Keras starts them, with the
     * faster run-time implementations of {@link FastPath} installed.
     * (ND4J's updater fills them with epsilon; with epsilon 1e-7 they decay into subnormal floats that make every
     * step ~30% slower. Zeroing the state keeps the stock updater, so plain DL4J loads our files.)
     */
    public static MultiLayerNetwork build(ModelSpec spec) {
        return FastPath.install(buildStock(spec));
    }

    /** {@link #build} with DL4J's stock implementations: the reference the fast ones are tested against. */
    public static MultiLayerNetwork buildStock(ModelSpec spec) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec));
        net.init();
        net.getUpdater().getStateViewArray().assign(0);
        return net;
    }

    public static Activation activation(String kerasName) {
        return switch (kerasName) {
            case "relu" -> Activation.RELU;
            case "softmax" -> Activation.SOFTMAX;
            case "sigmoid" -> Activation.SIGMOID;
            case "tanh" -> Activation.TANH;
            case "linear" -> Activation.IDENTITY;
            default -> throw new IllegalArgumentException("no DL4J activation for Keras '" + kerasName + "'");
        };
    }

    public static LossFunction lossFunction(String kerasName) {
        return switch (kerasName) {
            case "categorical_crossentropy" -> LossFunction.MCXENT;
            case "binary_crossentropy" -> LossFunction.XENT;
            case "mse" -> LossFunction.MSE;
            default -> throw new IllegalArgumentException("no DL4J loss for Keras '" + kerasName + "'");
        };
    }
}
