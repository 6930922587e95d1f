package dev.kerasmnist.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.RmsPropSpec;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The optimizer a DL4J network actually trains with (its layers' updater: RMSprop, Adam, SGD or Nesterov momentum),
 * as Keras 3 serialises it: {@code serialize_keras_object(optimizer)} in {@code compile_config.optimizer} of a
 * {@code .keras} ({@code module}, {@code class_name}, {@code config}, {@code registered_name}), or
 * {@code {class_name, config}} as {@code training_config.optimizer_config} of a legacy {@code .h5}
 * ({@code legacy/saving/saving_utils.py} model_metadata). The config holds {@code BaseOptimizer.get_config}'s common
 * fields ({@code optimizers/base_optimizer.py}) and the class's own ({@code rmsprop.py}, {@code adam.py},
 * {@code sgd.py} get_config). A network without a trained layer keeps its spec's RMSprop.
 *
 * @param className Keras's class: {@code RMSprop}, {@code Adam} or {@code SGD}
 * @param name      Keras's default name for it, which prefixes its variables' paths ({@code adam/iteration})
 * @param updater   DL4J's updater it was read from, or null (the spec's RMSprop)
 */
record ExportedOptimizer(String className, String name, ObjectNode specific, double learningRate, IUpdater updater) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The updater of {@code net}'s first trained parameter, as Keras's optimizer. */
    static ExportedOptimizer of(Model net, ModelSpec spec) {
        IUpdater updater = trainedUpdater(net);
        int iteration = iteration(net);
        ObjectNode c = JSON.createObjectNode();
        if (updater instanceof Adam a) {
            c.put("beta_1", a.getBeta1())
                    .put("beta_2", a.getBeta2())
                    .put("epsilon", a.getEpsilon())
                    .put("amsgrad", false);
            return new ExportedOptimizer("Adam", "adam", c, a.getLearningRate(iteration, 0), a);
        }
        if (updater instanceof Nesterovs n) {
            c.put("momentum", n.getMomentum()).put("nesterov", true);
            return new ExportedOptimizer("SGD", "sgd", c, n.getLearningRate(iteration, 0), n);
        }
        if (updater instanceof Sgd s) {
            c.put("momentum", 0.0).put("nesterov", false);
            return new ExportedOptimizer("SGD", "sgd", c, s.getLearningRate(iteration, 0), s);
        }
        double lr;
        double rho;
        double epsilon;
        if (updater instanceof RmsProp r) {
            lr = r.getLearningRate(iteration, 0);
            rho = r.getRmsDecay();
            epsilon = r.getEpsilon();
        } else {
            RmsPropSpec s = spec.optimizer();
            lr = s.learningRate();
            rho = s.rho();
            epsilon = s.epsilon();
            updater = null;
        }
        c.put("rho", rho).put("momentum", 0.0).put("epsilon", epsilon).put("centered", false);
        // BaseOptimizer.__init__ names it auto_name(class name): snake_case of "RMSprop" is "rm_sprop"
        return new ExportedOptimizer("RMSprop", "rm_sprop", c, lr, updater);
    }

    /** {@code serialize_keras_object(optimizer)}: what a {@code .keras} keeps in compile_config.optimizer. */
    ObjectNode kerasConfig() {
        ObjectNode o = JSON.createObjectNode();
        o.put("module", "keras.optimizers").put("class_name", className);
        o.set("config", config());
        o.putNull("registered_name");
        return o;
    }

    /** saving_utils.model_metadata's optimizer_config: {@code {class_name, config}}. */
    ObjectNode legacyConfig() {
        ObjectNode o = JSON.createObjectNode();
        o.put("class_name", className);
        o.set("config", config());
        return o;
    }

    /** BaseOptimizer.get_config, then the class's own fields. */
    private ObjectNode config() {
        ObjectNode c = JSON.createObjectNode();
        c.put("name", name).put("learning_rate", learningRate);
        c.putNull("weight_decay").putNull("clipnorm").putNull("global_clipnorm").putNull("clipvalue");
        c.put("use_ema", false)
                .put("ema_momentum", 0.99)
                .putNull("ema_overwrite_frequency")
                .putNull("loss_scale_factor")
                .putNull("gradient_accumulation_steps");
        c.setAll(specific);
        return c;
    }

    private static IUpdater trainedUpdater(Model net) {
        Layer[] layers = net instanceof MultiLayerNetwork m
                ? m.getLayers()
                : net instanceof ComputationGraph g ? g.getLayers() : new Layer[0];
        for (Layer layer : layers) {
            for (String param : layer.paramTable().keySet()) {
                IUpdater u = layer.conf().getLayer().getUpdaterByParam(param);
                if (u != null && !(u instanceof NoOp) && layer.getParam(param).length() > 0) {
                    return u;
                }
            }
        }
        return null;
    }

    /** How many updates the network has taken (Keras's optimizer.iterations). */
    static int iteration(Model net) {
        return net instanceof MultiLayerNetwork m
                ? m.getIterationCount()
                : net instanceof ComputationGraph g ? g.getIterationCount() : 0;
    }
}
