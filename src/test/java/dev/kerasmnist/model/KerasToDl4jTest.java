package dev.kerasmnist.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInitXavierUniform;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.ops.transforms.Transforms;

class KerasToDl4jTest {
    private static final ModelSpec TUTORIAL = ModelSpec.tutorial(1);

    @Test
    void mapsKerasRmsPropDefaultsNotDl4js() {
        MultiLayerConfiguration conf = KerasToDl4j.configuration(TUTORIAL);
        for (int i = 0; i < 2; i++) {
            RmsProp rms = (RmsProp) ((BaseLayer) conf.getConf(i).getLayer()).getIUpdater();
            assertEquals(0.001, rms.getLearningRate(), 0);
            assertEquals(0.9, rms.getRmsDecay(), 0);
            assertEquals(1e-7, rms.getEpsilon(), 0);
        }
    }

    @Test
    void mapsLayersInitialisersActivationsLossAndDtype() {
        MultiLayerConfiguration conf = KerasToDl4j.configuration(TUTORIAL);
        assertEquals(DataType.FLOAT, conf.getDataType());
        DenseLayer hidden = assertInstanceOf(DenseLayer.class, conf.getConf(0).getLayer());
        OutputLayer output = assertInstanceOf(OutputLayer.class, conf.getConf(1).getLayer());
        assertEquals(784, hidden.getNIn());
        assertEquals(512, hidden.getNOut());
        assertEquals(512, output.getNIn());
        assertEquals(10, output.getNOut());
        assertInstanceOf(ActivationReLU.class, hidden.getActivationFn());
        assertInstanceOf(ActivationSoftmax.class, output.getActivationFn());
        assertInstanceOf(LossMCXENT.class, output.getLossFn());
        for (BaseLayer layer : List.of(hidden, output)) {
            assertInstanceOf(WeightInitXavierUniform.class, layer.getWeightInitFn());
            assertEquals(0.0, layer.getBiasInit(), 0);
        }
        assertTrue(conf.getConf(0).isMiniBatch(), "loss averaged over the batch");
    }

    @Test
    void countsTheTutorialsParameters() {
        MultiLayerNetwork net = KerasToDl4j.build(TUTORIAL);
        assertEquals(407_050, net.numParams());
        assertEquals(401_920, net.getLayer(0).numParams());
        assertEquals(5_130, net.getLayer(1).numParams());
        assertEquals(407_050, TUTORIAL.parameterCount());
        assertEquals(DataType.FLOAT, net.params().dataType());
    }

    @Test
    void initialisesLikeGlorotUniformWithZeroBiases() {
        MultiLayerNetwork net = KerasToDl4j.build(TUTORIAL);
        INDArray w = net.getLayer(0).getParam("W");
        double limit = Math.sqrt(6.0 / (784 + 512));
        assertTrue(w.amaxNumber().doubleValue() <= limit);
        // Uniform on [-limit, limit] has standard deviation limit / sqrt(3).
        assertEquals(limit / Math.sqrt(3), w.stdNumber().doubleValue(), limit * 0.01);
        assertEquals(0.0, w.meanNumber().doubleValue(), limit * 0.01);
        assertEquals(0.0, net.getLayer(0).getParam("b").amaxNumber().doubleValue(), 0);
        assertEquals(0.0, net.getLayer(1).getParam("b").amaxNumber().doubleValue(), 0);
    }

    @Test
    void sameSeedSameWeightsOtherSeedOtherWeights() {
        assertEquals(
                KerasToDl4j.build(ModelSpec.tutorial(7)).params(),
                KerasToDl4j.build(ModelSpec.tutorial(7)).params());
        assertTrue(!KerasToDl4j.build(ModelSpec.tutorial(7))
                .params()
                .equals(KerasToDl4j.build(ModelSpec.tutorial(8)).params()));
    }

    @Test
    void firstStepIsKerasRmsPropFromZeroAccumulators() {
        ModelSpec small = new ModelSpec(
                6,
                List.of(new DenseSpec(5, "relu"), new DenseSpec(3, "softmax")),
                RmsPropSpec.KERAS_DEFAULTS,
                KerasLoss.CATEGORICAL_CROSSENTROPY,
                3);
        MultiLayerNetwork net = KerasToDl4j.build(small);
        assertEquals(0.0, net.getUpdater().getStateViewArray().amaxNumber().doubleValue(), 0);

        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 6);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 3);
        for (int i = 0; i < 4; i++) {
            y.putScalar(i, i % 3, 1);
        }
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        // DL4J's gradient is summed over the batch and divided by its size in the updater (miniBatch=true);
        // Keras differentiates the batch mean. Same thing: g below is Keras's gradient.
        INDArray g = net.gradient().gradient().dup().divi(4);
        INDArray before = net.params().dup();

        net.fit(new DataSet(x, y));

        // Keras: a = 0.9 * 0 + 0.1 * g^2; w -= 0.001 * g / (sqrt(a) + 1e-7)
        INDArray a = g.mul(g).muli(0.1);
        INDArray expectedStep = g.mul(0.001).divi(Transforms.sqrt(a).addi(1e-7));
        INDArray step = before.sub(net.params());
        double maxDifference =
                Transforms.abs(step.sub(expectedStep)).maxNumber().doubleValue();
        assertEquals(0.0, maxDifference, 2e-8, "step " + step + " expected " + expectedStep);
        assertTrue(expectedStep.amaxNumber().doubleValue() > 1e-3, "a real step, not a no-op");
    }

    @Test
    void specsRejectWhatKerasWouldReject() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new RmsPropSpec(Double.NaN, 0.9, 1e-7, EpsilonPlacement.OUTSIDE_SQRT));
        assertThrows(
                IllegalArgumentException.class, () -> new RmsPropSpec(-1, 0.9, 1e-7, EpsilonPlacement.OUTSIDE_SQRT));
        assertThrows(
                IllegalArgumentException.class, () -> new RmsPropSpec(0.001, 1.0, 1e-7, EpsilonPlacement.OUTSIDE_SQRT));
        assertThrows(IllegalArgumentException.class, () -> new DenseSpec(0, "relu"));
        assertThrows(IllegalArgumentException.class, () -> new DenseSpec(10, "exponential"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ModelSpec(
                        784,
                        List.of(new DenseSpec(10, "softmax")),
                        RmsPropSpec.KERAS_DEFAULTS,
                        KerasLoss.of("hinge"),
                        1));
    }

    @Test
    void summaryReadsLikeKeras() {
        String summary = ModelSummary.of(TUTORIAL);
        assertTrue(summary.contains(" dense (Dense)               (None, 512)               401920"), summary);
        assertTrue(summary.contains(" dense_1 (Dense)             (None, 10)                5130"), summary);
        assertTrue(summary.contains("Total params: 407,050"), summary);
        assertTrue(summary.contains("Trainable params: 407,050"), summary);
    }

    @Test
    void binaryCrossentropyIsKerassMeanOverOutputsClippedAt1eMinus7() {
        // Keras: mean over outputs of -(y log p + (1 - y) log(1 - p)), p clipped to [1e-7, 1 - 1e-7]; mean over batch
        float[][] z = {{2f, -1f, 0.5f}, {-30f, 0f, 3f}};
        float[][] y = {{1f, 0f, 1f}, {1f, 1f, 0f}};
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            double row = 0;
            for (int j = 0; j < 3; j++) {
                double p = Math.min(Math.max(1 / (1 + Math.exp(-z[i][j])), 1e-7), 1 - 1e-7);
                row += -(y[i][j] * Math.log(p) + (1 - y[i][j]) * Math.log(1 - p));
            }
            expected += row / 3;
        }
        expected /= 2;
        double score = KerasLoss.BINARY_CROSSENTROPY
                .dl4j(3)
                .computeScore(
                        Nd4j.create(y),
                        Nd4j.create(z),
                        org.nd4j.linalg.activations.Activation.SIGMOID.getActivationFunction(),
                        null,
                        true);
        assertEquals(expected, score, 1e-5, "row 2's p = sigmoid(-30) ~ 9e-14 is clipped at 1e-7, as in Keras");
        // DL4J's own XENT would sum over the outputs and clip at 1e-5: three times larger and capped lower.
        double dl4jDefault = new org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT()
                .computeScore(
                        Nd4j.create(y),
                        Nd4j.create(z),
                        org.nd4j.linalg.activations.Activation.SIGMOID.getActivationFunction(),
                        null,
                        true);
        assertTrue(Math.abs(dl4jDefault - expected) > 1, "the difference the mapping removes: " + dl4jDefault);
    }
}
