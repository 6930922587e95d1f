package dev.kerasmnist.model;

import dev.kerasmnist.model.fast.FastPath;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.RmsProp;

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
                // DL4J's op places epsilon as Keras 2 does; Keras 3's placement is FastPath's (see build)
                .updater(new RmsProp(rms.learningRate(), rms.rho(), rms.epsilon()))
                .weightInit(KerasInitializer.DENSE_KERNEL_DEFAULT.weightInit()) // glorot_uniform
                .biasInit(KerasInitializer.DENSE_BIAS_DEFAULT.biasValue())      // zeros
                .miniBatch(true)                                           // losses averaged over the batch
                .list();
        List<DenseSpec> layers = spec.layers();
        int in = spec.inputDim();
        for (int i = 0; i < layers.size(); i++) {
            DenseSpec layer = layers.get(i);
            boolean last = i == layers.size() - 1;
            if (last) {
                // Keras puts the loss on the model; DL4J on its last layer, an OutputLayer.
                builder.layer(new OutputLayer.Builder(spec.loss().dl4j(layer.units()))
                        .nIn(in).nOut(layer.units()).activation(layer.activation().dl4j()).build());
            } else {
                builder.layer(new DenseLayer.Builder()
                        .nIn(in).nOut(layer.units()).activation(layer.activation().dl4j()).build());
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
        return FastPath.install(buildStock(spec), spec.optimizer().epsilonPlacement());
    }

    /** {@link #build} with DL4J's stock implementations: the reference the fast ones are tested against. */
    public static MultiLayerNetwork buildStock(ModelSpec spec) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec));
        net.init();
        net.getUpdater().getStateViewArray().assign(0);
        return net;
    }
}
