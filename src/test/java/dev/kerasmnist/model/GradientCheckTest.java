package dev.kerasmnist.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DL4J's numerical gradient check on a double-precision miniature of the production mapping (same layer types,
 * relu -> softmax, categorical crossentropy, glorot init): the backpropagated gradients match finite differences.
 */
class GradientCheckTest {
    @Test
    void theMappedNetworkComputesCorrectGradients() {
        DataType[] defaults = {Nd4j.dataType(), Nd4j.defaultFloatingPointType()};
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ModelSpec mini = new ModelSpec(
                    12,
                    List.of(new DenseSpec(7, "relu"), new DenseSpec(4, "softmax")),
                    RmsPropSpec.KERAS_DEFAULTS,
                    KerasLoss.CATEGORICAL_CROSSENTROPY,
                    12345);
            MultiLayerConfiguration conf = KerasToDl4j.configuration(mini);
            conf.setDataType(DataType.DOUBLE);
            for (NeuralNetConfiguration layer : conf.getConfs()) {
                ((BaseLayer) layer.getLayer()).setIUpdater(new NoOp()); // the check needs parameters left alone
            }
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();

            Nd4j.getRandom().setSeed(12345);
            INDArray input = Nd4j.rand(DataType.DOUBLE, 10, 12);
            INDArray labels = Nd4j.zeros(DataType.DOUBLE, 10, 4);
            for (int i = 0; i < 10; i++) {
                labels.putScalar(i, i % 4, 1.0);
            }
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                    .net(net)
                    .input(input)
                    .labels(labels)
                    .epsilon(1e-6)
                    .maxRelError(1e-3)
                    .minAbsoluteError(1e-8)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
            assertTrue(ok, "backprop gradients match finite differences");
        } finally {
            Nd4j.setDefaultDataTypes(defaults[0], defaults[1]);
        }
    }

    /**
     * Conv1D as mapped (DL4J's Convolution1DLayer on NCW, the flat input reshaped and permuted to it), causal and
     * dilated, then strided with 'same' padding, flattened into Dense: gradients match finite differences.
     */
    @Test
    void conv1dAsMappedComputesCorrectGradients() {
        ModelSpec mini = sequence(
                new Conv1DSpec(3, 3, 1, Conv1DSpec.Pad.CAUSAL, KerasActivation.TANH, true, 2),
                new Conv1DSpec(2, 2, 2, Conv1DSpec.Pad.SAME, KerasActivation.TANH, true, 1),
                new FlattenSpec(),
                new DenseSpec(4, "softmax"));
        Nd4j.getRandom().setSeed(12345);
        assertTrue(gradientsMatch(KerasToDl4j.configuration(mini), Nd4j.rand(DataType.DOUBLE, 10, 30)));
    }

    /**
     * Conv1D into an LSTM and a SimpleRNN returning their sequences, as mapped (both kept NCW, no permute between
     * them), averaged over the steps: gradients match finite differences, and the network predicts what training's
     * forward pass computes (DL4J permutes between sequence layers of different formats only when predicting).
     */
    @Test
    void conv1dIntoRecurrentLayersAsMapped() {
        ModelSpec mini = sequence(
                new Conv1DSpec(3, 2, KerasActivation.TANH),
                new LstmSpec(4, KerasActivation.TANH, KerasActivation.SIGMOID, true),
                new SimpleRnnSpec(3, KerasActivation.TANH, true),
                new GlobalPooling1DSpec(PoolType.AVERAGE),
                new DenseSpec(4, "softmax"));
        Nd4j.getRandom().setSeed(12345);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 10, 30);
        assertTrue(gradientsMatch(KerasToDl4j.configuration(mini), x));
        MultiLayerNetwork net = new MultiLayerNetwork(KerasToDl4j.configuration(mini));
        net.init();
        INDArray trainingPass = net.feedForward(x.castTo(DataType.FLOAT), false).get(5);
        assertEquals(trainingPass, net.output(x.castTo(DataType.FLOAT)));
    }

    /**
     * Why Conv1DMapping runs Convolution1DLayer on NCW: the same layer on NWC input fails the check in DL4J
     * 1.0.0-M2.1 (its backprop writes the kernel gradient permuted where the forward pass reads the kernel reshaped),
     * while on NCW, the same values transposed, it passes.
     */
    @Test
    void dl4jsConv1dBackpropIsWrongOnNwcOnly() {
        Nd4j.getRandom().setSeed(12345);
        // as many steps as features: its NWC backprop also shapes the input's gradient as the NWC input, where it
        // computes an NCW one
        INDArray nwc = Nd4j.rand(DataType.DOUBLE, 10, 5, 5);
        assertTrue(
                gradientsMatch(conv1dAlone(RNNFormat.NCW), nwc.permute(0, 2, 1).dup()), "NCW");
        assertFalse(gradientsMatch(conv1dAlone(RNNFormat.NWC), nwc), "NWC");
    }

    private static MultiLayerConfiguration conv1dAlone(RNNFormat format) {
        return new NeuralNetConfiguration.Builder()
                .seed(12345)
                .list()
                .layer(new Convolution1DLayer.Builder(3, 1)
                        .rnnDataFormat(format)
                        .convolutionMode(ConvolutionMode.Truncate)
                        .nIn(5)
                        .nOut(3)
                        .activation(Activation.TANH)
                        .build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG)
                        .poolingDimensions(format == RNNFormat.NCW ? 2 : 1)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(3)
                        .nOut(4)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build();
    }

    /** A miniature over sequences of 6 steps of 5 features, with the production's defaults. */
    private static ModelSpec sequence(LayerSpec... layers) {
        return new ModelSpec(
                List.of(6, 5),
                List.of(layers),
                RmsPropSpec.KERAS_DEFAULTS,
                KerasLoss.CATEGORICAL_CROSSENTROPY,
                12345,
                1);
    }

    /** DL4J's gradient check in double precision, parameters left alone, on 10 examples of 4 classes. */
    private static boolean gradientsMatch(MultiLayerConfiguration conf, INDArray input) {
        DataType[] defaults = {Nd4j.dataType(), Nd4j.defaultFloatingPointType()};
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            conf.setDataType(DataType.DOUBLE);
            for (NeuralNetConfiguration layer : conf.getConfs()) {
                if (layer.getLayer() instanceof BaseLayer b) {
                    b.setIUpdater(new NoOp());
                }
            }
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            INDArray labels = Nd4j.zeros(DataType.DOUBLE, 10, 4);
            for (int i = 0; i < 10; i++) {
                labels.putScalar(i, i % 4, 1.0);
            }
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
                    .net(net)
                    .input(input.castTo(DataType.DOUBLE))
                    .labels(labels)
                    .epsilon(1e-6)
                    .maxRelError(1e-3)
                    .minAbsoluteError(1e-8)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        } finally {
            Nd4j.setDefaultDataTypes(defaults[0], defaults[1]);
        }
    }
}
