package dev.kerasmnist.model;

import dev.kerasmnist.model.fast.FastPath;
import dev.kerasmnist.data.MnistSplit;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
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
        List<LayerSpec> layers = spec.layers();
        List<int[]> shapes = spec.outputShapes();
        int in = spec.inputDim();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            boolean last = i == layers.size() - 1;
            int out = shapes.get(i)[0];
            if (layer instanceof DenseSpec dense && last) {
                // Keras puts the loss on the model; DL4J on its last layer, an OutputLayer.
                builder.layer(new OutputLayer.Builder(spec.loss().dl4j(dense.units()))
                        .nIn(in).nOut(dense.units()).activation(dense.activation().dl4j()).build());
            } else if (layer instanceof DenseSpec dense) {
                builder.layer(new DenseLayer.Builder()
                        .nIn(in).nOut(dense.units()).activation(dense.activation().dl4j()).build());
            } else if (layer instanceof Conv2DSpec conv) {
                // Keras's defaults: strides 1, padding 'valid' (DL4J's Truncate: no padding, partial windows
                // dropped), glorot_uniform with Keras's fans (DL4J's ConvolutionParamInitializer: fan_in =
                // channels_in * k * k, fan_out = filters * k * k / strides), zero bias (set for the whole net above).
                builder.layer(new ConvolutionLayer.Builder(conv.kernel(), conv.kernel()).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).nOut(conv.filters())
                        .activation(conv.activation().dl4j()).build());
            } else if (layer instanceof MaxPooling2DSpec pool) {
                // Keras: strides default to the pool size; 'valid' floors the output size, as Truncate does
                builder.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(pool.pool(), pool.pool()).stride(pool.pool(), pool.pool())
                        .convolutionMode(ConvolutionMode.Truncate).build());
            } else if (layer instanceof DropoutSpec dropout) {
                // Keras's rate is the fraction dropped; DL4J's Dropout takes the fraction kept. Both are inverted
                // dropout (kept values scaled by 1 / keep), active only while training.
                builder.layer(new DropoutLayer.Builder().dropOut(new Dropout(1 - dropout.rate()))
                        .nIn(in).nOut(in).build());
            } // Flatten: DL4J inserts its CnnToFeedForwardPreProcessor itself (see setInputType below)
            in = out;
        }
        if (spec.convolutional()) {
            // The 784 pixels as one 28x28 image with one channel. With a single channel, Keras's channels-last
            // (28, 28, 1) and DL4J's channels-first (1, 28, 28) are the same numbers in the same order, so the
            // convolutions see exactly Keras's input. (Flatten then orders the features channel-first, a fixed
            // permutation of the next Dense layer's input rows: the same model family, trained from scratch.)
            builder.setInputType(InputType.convolutionalFlat(MnistSplit.ROWS, MnistSplit.COLS, 1));
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
