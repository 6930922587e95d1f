package dev.kerasmnist.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kerasmnist.keras.KerasOptimizer;
import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.model.RmsPropSpec;
import dev.kerasmnist.model.fast.FastPath;
import java.io.IOException;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The optimizer a fine-tuning run continues an imported model with: the one its Keras file was compiled with where
 * DL4J has it (RMSprop, Adam, SGD; Keras's momentum SGD as DL4J's Nesterov momentum, the nearest DL4J has), else
 * RMSprop with Keras's defaults; a learning rate given replaces the file's. Its state starts at zero, as a fresh
 * Keras {@code compile()} does.
 */
final class FineTuning {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where an import records the compiled optimizer ({@link KerasOptimizer} as JSON). */
    static final String OPTIMIZER_DETAIL = "compiled_optimizer_config";

    private FineTuning() {}

    /** The chosen optimizer: DL4J's updater, the spec's RMSprop (when it is RMSprop) and the line that says so. */
    record Choice(IUpdater updater, ModelSpec spec, String line) {}

    /**
     * @param fusedUpdater whether the network trains through the fast path's fused RMSprop (a MultiLayerNetwork on
     *                     the CPU), the one updater that can add epsilon inside the square root as Keras 2.11+ does
     */
    static Choice choose(Provenance from, ModelSpec spec, OptionalDouble learningRate, boolean fusedUpdater) {
        KerasOptimizer compiled = compiled(from);
        double lr = learningRate.orElse(
                compiled != null && compiled.supported()
                        ? compiled.learningRate()
                        : RmsPropSpec.KERAS_DEFAULTS.learningRate());
        String given = learningRate.isPresent() ? " (learning rate " + learningRate.getAsDouble() + " as given)" : "";
        if (compiled != null && "Adam".equals(compiled.className())) {
            return new Choice(
                    new Adam(lr, compiled.beta1(), compiled.beta2(), compiled.epsilon()),
                    spec,
                    "Fine-tuning with Adam(learning_rate=" + lr + ", beta_1=" + compiled.beta1() + ", beta_2="
                            + compiled.beta2() + ", epsilon=" + compiled.epsilon() + "), as the Keras file was"
                            + " compiled" + given);
        }
        if (compiled != null && "SGD".equals(compiled.className())) {
            return compiled.momentum() == 0
                    ? new Choice(
                            new Sgd(lr),
                            spec,
                            "Fine-tuning with SGD(learning_rate=" + lr + "), as the Keras file was compiled" + given)
                    : new Choice(
                            new Nesterovs(lr, compiled.momentum()),
                            spec,
                            "Fine-tuning with SGD(learning_rate="
                                    + lr + ", momentum=" + compiled.momentum()
                                    + ") as DL4J's Nesterov momentum (DL4J has no"
                                    + " plain-momentum SGD), as near as DL4J gets to the file's" + given);
        }
        // Keras 2.11 and later (Keras 3 included) divide by sqrt(velocity + epsilon), earlier ones by
        // sqrt(velocity) + epsilon, as DL4J's RmsProp does. Only the fast path's fused updater places it inside: a
        // Sequential model (MultiLayerNetwork) on the CPU gets Keras's placement; a Functional graph keeps DL4J's
        // updater and placement, and says so.
        boolean kerasInside = kerasAtLeast(from.origin().details().get("keras_version"), 2, 11);
        EpsilonPlacement placement =
                kerasInside && fusedUpdater ? EpsilonPlacement.INSIDE_SQRT : EpsilonPlacement.OUTSIDE_SQRT;
        RmsPropSpec rms = compiled != null && "RMSprop".equals(compiled.className())
                ? new RmsPropSpec(lr, compiled.rho(), compiled.epsilon(), placement)
                : RmsPropSpec.KERAS_DEFAULTS.withLearningRate(lr).withEpsilonPlacement(placement);
        String why = compiled == null
                ? "the model records no compiled optimizer"
                : "RMSprop".equals(compiled.className())
                        ? "as the Keras file was compiled"
                        : "the file's " + compiled.className() + " is not in DL4J";
        String where = !kerasInside
                ? ""
                : placement == EpsilonPlacement.INSIDE_SQRT
                        ? ", epsilon inside the square root, as Keras "
                                + from.origin().details().get("keras_version") + " adds it"
                        : ", epsilon outside the square root, where DL4J adds it; Keras "
                                + from.origin().details().get("keras_version") + " adds it inside";
        return new Choice(
                new RmsProp(rms.learningRate(), rms.rho(), rms.epsilon()),
                spec.withOptimizer(rms),
                "Fine-tuning with RMSprop(learning_rate=" + rms.learningRate() + ", rho=" + rms.rho() + ", epsilon="
                        + rms.epsilon() + where + "): " + why + given);
    }

    /** Whether a Keras version ("3.15.1", "2.10.0") is {@code major.minor} or later; false when unknown. */
    static boolean kerasAtLeast(String version, int major, int minor) {
        if (version == null) {
            return false;
        }
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!m.find()) {
            return false;
        }
        int a = Integer.parseInt(m.group(1));
        int b = Integer.parseInt(m.group(2));
        return a > major || (a == major && b >= minor);
    }

    private static KerasOptimizer compiled(Provenance from) {
        String json = from.origin().details().get(OPTIMIZER_DETAIL);
        if (json == null) {
            return null;
        }
        try {
            return JSON.readValue(json, KerasOptimizer.class);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The same network and weights with {@code updater} on every trained layer, and Rescaling, the input scale and
     * layers Keras saved with {@code trainable=False}, which Keras does not train, frozen; its state at zero.
     */
    static Model withUpdater(Model net, IUpdater updater, EpsilonPlacement epsilon) {
        return net instanceof ComputationGraph g
                ? withUpdater(g, updater)
                : withUpdater((MultiLayerNetwork) net, updater, epsilon);
    }

    static MultiLayerNetwork withUpdater(MultiLayerNetwork net, IUpdater updater, EpsilonPlacement epsilon) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        for (NeuralNetConfiguration layer : conf.getConfs()) {
            retrain(layer, updater);
        }
        MultiLayerNetwork tuned = new MultiLayerNetwork(conf);
        tuned.init(net.params().dup(), false);
        if (tuned.getUpdater().getStateViewArray() != null) {
            tuned.getUpdater().getStateViewArray().assign(0);
        }
        return FastPath.install(tuned, epsilon);
    }

    /**
     * A Functional graph's: the same on its layer vertices. It keeps DL4J's own layers and updater (RMSprop with
     * epsilon outside the square root, as {@link #choose} gives), but for a frozen BatchNormalization, which runs
     * and backpropagates in inference mode as in Keras 3 ({@link FastPath#install(ComputationGraph)}).
     */
    static ComputationGraph withUpdater(ComputationGraph net, IUpdater updater) {
        ComputationGraphConfiguration conf = net.getConfiguration().clone();
        for (org.deeplearning4j.nn.conf.graph.GraphVertex vertex :
                conf.getVertices().values()) {
            if (vertex instanceof LayerVertex v) {
                retrain(v.getLayerConf(), updater);
            }
        }
        ComputationGraph tuned = new ComputationGraph(conf);
        tuned.init(net.params().dup(), false);
        if (tuned.getUpdater().getStateViewArray() != null) {
            tuned.getUpdater().getStateViewArray().assign(0);
        }
        return FastPath.install(tuned);
    }

    /** One layer's configuration: {@code updater} where it trains, frozen where it is a constant. */
    private static void retrain(NeuralNetConfiguration layer, IUpdater updater) {
        if (layer.getLayer() instanceof FrozenLayerWithBackprop) {
            return; // a constant, frozen by an earlier fine-tuning
        }
        if (layer.getLayer() instanceof BaseLayer base && base.getIUpdater() instanceof NoOp) {
            // Rescaling, the input scale or trainable=False. NoOp alone does not keep them: DL4J then applies the
            // raw gradient as the step. Frozen, their gradient is zero and they pass the input's on.
            FrozenLayerWithBackprop frozen = new FrozenLayerWithBackprop(base);
            frozen.setLayerName(base.getLayerName()); // a graph finds its layer vertices' inputs by this name on load
            layer.setLayer(frozen);
        } else if (layer.getLayer() instanceof BaseLayer base) {
            base.setIUpdater(updater.clone());
        } else if (layer.getLayer() instanceof org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer w
                && w.getUnderlying() instanceof BaseLayer base) {
            base.setIUpdater(updater.clone()); // LastTimeStep(LSTM)
        }
    }
}
