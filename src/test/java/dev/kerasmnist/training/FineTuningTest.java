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
        Map<String, String> details =
                optimizerJson == null ? Map.of() : Map.of(FineTuning.OPTIMIZER_DETAIL, optimizerJson);
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
                OptionalDouble.empty());
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
                OptionalDouble.of(0.05));
        Nesterovs n = assertInstanceOf(Nesterovs.class, sgd.updater());
        assertEquals(0.05, n.getLearningRate(), "the learning rate given wins");
        assertEquals(0.9, n.getMomentum());
        FineTuning.Choice nadam = FineTuning.choose(
                importedWith("{\"className\":\"Nadam\",\"learningRate\":0.01,"
                        + "\"rho\":0.9,\"beta1\":0.9,\"beta2\":0.999,\"momentum\":0,\"epsilon\":1e-7}"),
                SPEC,
                OptionalDouble.empty());
        assertInstanceOf(RmsProp.class, nadam.updater());
        assertTrue(nadam.line().endsWith("the file's Nadam is not in DL4J"), nadam.line());
        assertEquals(0.001, nadam.spec().optimizer().learningRate(), "Keras's RMSprop default");
        FineTuning.Choice none = FineTuning.choose(importedWith(null), SPEC, OptionalDouble.empty());
        assertTrue(none.line().endsWith("the model records no compiled optimizer"), none.line());
    }
}
