package dev.kerasmnist.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kerasmnist.model.ActivationSpec;
import dev.kerasmnist.model.AddSpec;
import dev.kerasmnist.model.BatchNormalizationSpec;
import dev.kerasmnist.model.Conv2DSpec;
import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.DropoutSpec;
import dev.kerasmnist.model.FlattenSpec;
import dev.kerasmnist.model.GlobalPooling2DSpec;
import dev.kerasmnist.model.KerasActivation;
import dev.kerasmnist.model.LayerSpec;
import dev.kerasmnist.model.LeakyReLUSpec;
import dev.kerasmnist.model.LstmSpec;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelSummary;
import dev.kerasmnist.model.Pooling2DSpec;
import dev.kerasmnist.model.ReshapeSpec;
import dev.kerasmnist.model.RescalingSpec;
import dev.kerasmnist.model.Size2D;
import java.util.List;

/**
 * The inverse of {@link KerasTranslation}: a {@link ModelSpec} as the Keras 3 config Keras's
 * {@code serialize_keras_object} writes for a {@code Sequential}, or for a {@code Functional} graph (with each
 * layer's {@code inbound_nodes} as {@code __keras_tensor__} arguments): module, class_name, config, registered_name,
 * build_config per layer, the model's compile_config, so that {@code keras.saving.load_model} rebuilds it.
 */
final class KerasConfigWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasConfigWriter() {
    }

    /** The layer names Keras gives them: dense, dense_1, ... per class (the names the weights files use too). */
    static List<String> names(ModelSpec spec) {
        return ModelSummary.layerNames(spec);
    }

    static ObjectNode model(ModelSpec spec) {
        boolean graph = !spec.chain();
        ObjectNode model = JSON.createObjectNode();
        model.put("module", graph ? "keras.src.models.functional" : "keras")
                .put("class_name", graph ? "Functional" : "Sequential");
        ObjectNode config = model.putObject("config");
        config.put("name", graph ? "functional" : "sequential").put("trainable", true);
        config.set("dtype", dtype());
        ArrayNode layers = config.putArray("layers");
        ObjectNode input = layers.addObject();
        input.put("module", "keras.layers").put("class_name", "InputLayer");
        ObjectNode ic = input.putObject("config");
        ic.set("batch_shape", batchShape(spec.inputShape().stream().mapToInt(Integer::intValue).toArray()));
        ic.put("dtype", "float32").put("sparse", false).put("name", "input_layer");
        input.putNull("registered_name");
        if (graph) {
            input.put("name", "input_layer").putArray("inbound_nodes");
        }
        List<String> names = names(spec);
        List<int[]> shapes = spec.outputShapes();
        int[] in = spec.inputShapeOf(0, shapes);
        for (int k = 0; k < spec.layers().size(); k++) {
            LayerSpec layer = spec.layers().get(k);
            ObjectNode l = layers.addObject();
            l.put("module", "keras.layers").put("class_name", ModelSummary.kerasClass(layer));
            ObjectNode c = l.putObject("config");
            c.put("name", names.get(k)).put("trainable", true);
            c.set("dtype", dtype());
            fill(c, layer);
            l.putNull("registered_name");
            l.putObject("build_config").set("input_shape", batchShape(in));
            if (graph) {
                l.put("name", names.get(k));
                ArrayNode args = l.putArray("inbound_nodes").addObject().putArray("args");
                ArrayNode tensors = layer instanceof AddSpec ? args.addArray() : args;
                for (int from : spec.inputsOf(k)) {
                    ObjectNode tensor = tensors.addObject();
                    tensor.put("class_name", "__keras_tensor__");
                    ObjectNode tc = tensor.putObject("config");
                    tc.set("shape", batchShape(from < 0 ? spec.inputShape().stream().mapToInt(Integer::intValue)
                            .toArray() : shapes.get(from)));
                    tc.put("dtype", "float32");
                    tc.putArray("keras_history").add(from < 0 ? "input_layer" : names.get(from)).add(0).add(0);
                }
                ((ObjectNode) l.path("inbound_nodes").get(0)).putObject("kwargs");
            }
            in = k + 1 < spec.layers().size() ? spec.inputShapeOf(k + 1, shapes) : null;
        }
        if (graph) {
            config.putArray("input_layers").addArray().add("input_layer").add(0).add(0);
            config.putArray("output_layers").addArray().add(names.get(names.size() - 1)).add(0).add(0);
        }
        model.put("registered_name", graph ? "Functional" : null);
        model.putObject("build_config").set("input_shape",
                batchShape(spec.inputShape().stream().mapToInt(Integer::intValue).toArray()));
        ObjectNode compile = model.putObject("compile_config");
        ObjectNode optimizer = compile.putObject("optimizer");
        optimizer.put("module", "keras.optimizers").put("class_name", "RMSprop");
        optimizer.putObject("config").put("name", "rmsprop").put("learning_rate", spec.optimizer().learningRate())
                .put("rho", spec.optimizer().rho()).put("momentum", 0.0).put("epsilon", spec.optimizer().epsilon())
                .put("centered", false);
        optimizer.putNull("registered_name");
        compile.put("loss", spec.loss().kerasName());
        compile.putArray("metrics").add("accuracy");
        compile.putNull("loss_weights").putNull("weighted_metrics").put("run_eagerly", false)
                .put("steps_per_execution", 1).put("jit_compile", false);
        return model;
    }

    private static void fill(ObjectNode c, LayerSpec layer) {
        if (layer instanceof DenseSpec d) {
            c.put("units", d.units()).put("activation", activation(d.activation())).put("use_bias", true);
            initializers(c);
        } else if (layer instanceof Conv2DSpec conv) {
            c.put("filters", conv.filters());
            c.set("kernel_size", pair(conv.kernelSize()));
            c.set("strides", pair(conv.strides()));
            c.put("padding", conv.padding().kerasName()).put("data_format", conv.dataFormat().kerasName());
            c.set("dilation_rate", pair(Size2D.square(1)));
            c.put("groups", 1).put("activation", activation(conv.activation())).put("use_bias", conv.useBias());
            initializers(c);
        } else if (layer instanceof Pooling2DSpec p) {
            c.set("pool_size", pair(p.poolSize()));
            c.put("padding", p.padding().kerasName());
            c.set("strides", pair(p.strides()));
            c.put("data_format", p.dataFormat().kerasName());
        } else if (layer instanceof GlobalPooling2DSpec g) {
            c.put("data_format", g.dataFormat().kerasName()).put("keepdims", false);
        } else if (layer instanceof FlattenSpec f) {
            c.put("data_format", f.dataFormat().kerasName());
        } else if (layer instanceof ReshapeSpec r) {
            ArrayNode target = c.putArray("target_shape");
            r.targetShape().forEach(target::add);
        } else if (layer instanceof DropoutSpec d) {
            c.put("rate", d.rate()).putNull("seed").putNull("noise_shape");
        } else if (layer instanceof RescalingSpec r) {
            c.put("scale", r.scale()).put("offset", r.offset());
        } else if (layer instanceof BatchNormalizationSpec b) {
            c.put("axis", b.axis()).put("momentum", b.momentum()).put("epsilon", b.epsilon())
                    .put("center", b.center()).put("scale", b.scale());
        } else if (layer instanceof ActivationSpec a) {
            c.put("activation", activation(a.activation()));
        } else if (layer instanceof LeakyReLUSpec l) {
            c.put("negative_slope", l.negativeSlope());
        } else if (layer instanceof dev.kerasmnist.model.SimpleRnnSpec r) {
            c.put("units", r.units()).put("activation", activation(r.activation())).put("use_bias", true)
                    .put("return_sequences", r.returnSequences()).put("return_state", false)
                    .put("go_backwards", false).put("stateful", false).put("unroll", false).put("dropout", 0.0)
                    .put("recurrent_dropout", 0.0);
        } else if (layer instanceof LstmSpec l) {
            c.put("units", l.units()).put("activation", activation(l.activation()))
                    .put("recurrent_activation", activation(l.recurrentActivation())).put("use_bias", true)
                    .put("return_sequences", l.returnSequences()).put("return_state", false)
                    .put("go_backwards", false).put("stateful", false).put("unroll", false)
                    .put("unit_forget_bias", true).put("dropout", 0.0).put("recurrent_dropout", 0.0);
        }
    }

    /** Keras 3 names; Keras 2's hard_sigmoid is not Keras 3's, so a model with it cannot be written as Keras 3. */
    private static String activation(KerasActivation a) {
        if (a == KerasActivation.HARD_SIGMOID) {
            throw new IllegalArgumentException("the model uses Keras 2's hard_sigmoid (clip(0.2 x + 0.5)), which"
                    + " Keras 3's hard_sigmoid (clip(x / 6 + 0.5)) is not; it cannot be written as a Keras 3 model");
        }
        return a.kerasName();
    }

    private static void initializers(ObjectNode c) {
        ObjectNode kernel = c.putObject("kernel_initializer");
        kernel.put("module", "keras.initializers").put("class_name", "GlorotUniform");
        kernel.putObject("config").putNull("seed");
        kernel.putNull("registered_name");
        ObjectNode bias = c.putObject("bias_initializer");
        bias.put("module", "keras.initializers").put("class_name", "Zeros");
        bias.putObject("config");
        bias.putNull("registered_name");
    }

    private static ObjectNode dtype() {
        ObjectNode d = JSON.createObjectNode();
        d.put("module", "keras").put("class_name", "DTypePolicy");
        d.putObject("config").put("name", "float32");
        d.putNull("registered_name");
        return d;
    }

    private static ArrayNode pair(Size2D s) {
        return JSON.createArrayNode().add(s.rows()).add(s.cols());
    }

    private static ArrayNode batchShape(int[] shape) {
        ArrayNode a = JSON.createArrayNode().addNull();
        for (int d : shape) {
            a.add(d);
        }
        return a;
    }
}
