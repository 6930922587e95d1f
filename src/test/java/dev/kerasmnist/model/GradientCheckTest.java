package dev.kerasmnist.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

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
}
