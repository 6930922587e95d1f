package dev.kerasmnist.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.model.RescalingSpec;
import dev.kerasmnist.model.RmsPropSpec;
import dev.kerasmnist.model.fast.FastPath;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.RmsProp;

/** Which optimizer an imported model is fine-tuned with, and that only the layers Keras trains get it. */
class FineTuningTest {
    private static final ModelSpec SPEC = new ModelSpec(
            List.of(784),
            List.of(new RescalingSpec(1 / 255.0, 0), new DenseSpec(16, "relu"), new DenseSpec(10, "softmax")),
            RmsPropSpec.KERAS_DEFAULTS,
            KerasLoss.CATEGORICAL_CROSSENTROPY,
            1,
            255);

    private static Provenance importedWith(String optimizerJson) {
        return importedWith(optimizerJson, "2.10.0");
    }

    private static Provenance importedWith(String optimizerJson, String kerasVersion) {
        Map<String, String> details = optimizerJson == null
                ? Map.of("keras_version", kerasVersion)
                : Map.of(FineTuning.OPTIMIZER_DETAIL, optimizerJson, "keras_version", kerasVersion);
        return new Provenance(
                Provenance.FORMAT,
                new Provenance.Origin(Provenance.Kind.IMPORTED, "m.keras", details),
                Optional.of(SPEC),
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Provenance.Build.now(List.of()));
    }

    @Test
    void theFilesAdamIsKeptWithItsSettings() {
        FineTuning.Choice c = FineTuning.choose(
                importedWith("{\"className\":\"Adam\",\"learningRate\":0.002,"
                        + "\"rho\":0.9,\"beta1\":0.8,\"beta2\":0.99,\"momentum\":0,\"epsilon\":1e-7}"),
                SPEC,
                OptionalDouble.empty(),
                true);
        Adam adam = assertInstanceOf(Adam.class, c.updater());
        assertEquals(0.002, adam.getLearningRate());
        assertEquals(0.8, adam.getBeta1());
        assertEquals(0.99, adam.getBeta2());
        assertTrue(c.line().startsWith("Fine-tuning with Adam(learning_rate=0.002, beta_1=0.8, beta_2=0.99"), c.line());

        MultiLayerNetwork net = KerasToDl4j.buildStock(SPEC);
        MultiLayerNetwork tuned = FineTuning.withUpdater(net, c.updater(), EpsilonPlacement.OUTSIDE_SQRT);
        FrozenLayerWithBackprop rescaling = assertInstanceOf(
                FrozenLayerWithBackprop.class,
                tuned.getLayerWiseConfigurations().getConf(1).getLayer(),
                "Rescaling is not trained");
        assertInstanceOf(NoOp.class, ((BaseLayer) rescaling.getUnderlying()).getIUpdater());
        assertInstanceOf(Adam.class, ((BaseLayer) tuned.getLayer(2).conf().getLayer()).getIUpdater());
        assertEquals(net.params(), tuned.params(), "the same weights");
    }

    @Test
    void momentumSgdBecomesNesterovAndTheRestRmsprop() {
        FineTuning.Choice sgd = FineTuning.choose(
                importedWith("{\"className\":\"SGD\",\"learningRate\":0.01,"
                        + "\"rho\":0.9,\"beta1\":0.9,\"beta2\":0.999,\"momentum\":0.9,\"epsilon\":1e-7}"),
                SPEC,
                OptionalDouble.of(0.05),
                true);
        Nesterovs n = assertInstanceOf(Nesterovs.class, sgd.updater());
        assertEquals(0.05, n.getLearningRate(), "the learning rate given wins");
        assertEquals(0.9, n.getMomentum());
        FineTuning.Choice nadam = FineTuning.choose(
                importedWith("{\"className\":\"Nadam\",\"learningRate\":0.01,"
                        + "\"rho\":0.9,\"beta1\":0.9,\"beta2\":0.999,\"momentum\":0,\"epsilon\":1e-7}"),
                SPEC,
                OptionalDouble.empty(),
                true);
        assertInstanceOf(RmsProp.class, nadam.updater());
        assertTrue(nadam.line().endsWith("the file's Nadam is not in DL4J"), nadam.line());
        assertEquals(0.001, nadam.spec().optimizer().learningRate(), "Keras's RMSprop default");
        FineTuning.Choice none = FineTuning.choose(importedWith(null), SPEC, OptionalDouble.empty(), true);
        assertTrue(none.line().endsWith("the model records no compiled optimizer"), none.line());
    }

    /**
     * A Keras 3 file compiled with RMSprop: Keras adds epsilon inside the square root, and so does the fused updater
     * of a Sequential model, with its Rescaling frozen (a NoOp block, which holds no state and shifts the state of the
     * blocks after it). A step moves a weight by Keras's formula, lr * g / sqrt(v + eps) with v = (1 - rho) g^2, and
     * leaves Rescaling's constants bit for bit. A Functional graph keeps DL4J's placement and says so.
     */
    @Test
    void kerasThreesRmspropAddsEpsilonInsideTheSquareRootAsKerasDoes() {
        Provenance keras3 = importedWith(
                "{\"className\":\"RMSprop\",\"learningRate\":0.01,"
                        + "\"rho\":0.9,\"beta1\":0.9,\"beta2\":0.999,\"momentum\":0,\"epsilon\":1e-7}",
                "3.15.1");
        FineTuning.Choice chain = FineTuning.choose(keras3, SPEC, OptionalDouble.empty(), true);
        assertEquals(EpsilonPlacement.INSIDE_SQRT, chain.spec().optimizer().epsilonPlacement());
        assertTrue(chain.line().contains("epsilon inside the square root, as Keras 3.15.1 adds it"), chain.line());
        FineTuning.Choice graph = FineTuning.choose(keras3, SPEC, OptionalDouble.empty(), false);
        assertEquals(EpsilonPlacement.OUTSIDE_SQRT, graph.spec().optimizer().epsilonPlacement());
        assertTrue(graph.line().contains("Keras 3.15.1 adds it inside"), graph.line());

        MultiLayerNetwork tuned = FineTuning.withUpdater(
                KerasToDl4j.buildStock(SPEC),
                chain.updater(),
                chain.spec().optimizer().epsilonPlacement());
        assertEquals(0, FastPath.fusedSteps(tuned), "the fused updater, not DL4J's");
        org.nd4j.linalg.api.ndarray.INDArray rescaling =
                tuned.getLayer(1).params().dup();
        org.nd4j.linalg.api.ndarray.INDArray before =
                tuned.getLayer(2).getParam("W").dup();
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(3);
        org.nd4j.linalg.api.ndarray.INDArray x =
                org.nd4j.linalg.factory.Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 8, 784);
        org.nd4j.linalg.api.ndarray.INDArray y =
                org.nd4j.linalg.factory.Nd4j.eye(10).getRows(0, 1, 2, 3, 4, 5, 6, 7);
        tuned.setInput(x);
        tuned.setLabels(y);
        tuned.computeGradientAndScore();
        org.nd4j.linalg.api.ndarray.INDArray g = tuned.getGradientsViewArray().dup();
        tuned.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
        assertEquals(1, FastPath.fusedSteps(tuned), "a fused step");
        assertEquals(rescaling, tuned.getLayer(1).params(), "Rescaling's constants, bit for bit");
        // the hidden weight with the smallest gradient, where the two placements differ most (DL4J's gradient is
        // the batch's sum, Keras's its mean)
        long offset = tuned.getLayer(0).numParams() + tuned.getLayer(1).numParams();
        int i = -1;
        for (int k = 0; k < before.length(); k++) {
            float gk = Math.abs(g.getFloat(offset + k));
            if (gk > 0 && (i < 0 || gk < Math.abs(g.getFloat(offset + i)))) {
                i = k;
            }
        }
        float gi = g.getFloat(offset + i) / 8;
        float v = 0.1f * gi * gi;
        float w = before.dup('f').data().asFloat()[i];
        float inside = w - 0.01f * gi / (float) Math.sqrt(v + 1e-7f);
        float outside = w - 0.01f * gi / ((float) Math.sqrt(v) + 1e-7f);
        assertTrue(Math.abs(inside - outside) > 1e-6, "the two placements differ here: " + inside + ", " + outside);
        assertEquals(inside, tuned.getLayer(2).getParam("W").dup('f').data().asFloat()[i], 1e-7);
    }
}
