package dev.kerasmnist.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kerasmnist.model.LayerSpec;
import dev.kerasmnist.model.MergeSpec;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelSummary;
import java.util.List;

/**
 * The inverse of {@link KerasTranslation}: a {@link ModelSpec} as the Keras 3 config Keras's
 * {@code serialize_keras_object} writes for a {@code Sequential}, or for a {@code Functional} graph (with each
 * layer's {@code inbound_nodes} as {@code __keras_tensor__} arguments): module, class_name, config, registered_name,
 * build_config per layer, the model's compile_config, so that {@code keras.saving.load_model} rebuilds it.
 */
final class KerasConfigWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasConfigWriter() {}

    /** The layer names Keras gives them: dense, dense_1, ... per class (the names the weights files use too). */
    static List<String> names(ModelSpec spec) {
        return ModelSummary.layerNames(spec);
    }

    static ObjectNode model(ModelSpec spec) {
        return model(spec, ExportedOptimizer.of(null, spec));
    }

    /**
     * The model's config with {@code optimizer} in its compile_config, which holds what Keras's
     * {@code Trainer.compile} records ({@code trainers/trainer.py} compile, {@code SerializableDict} of optimizer,
     * loss, loss_weights, metrics, weighted_metrics, run_eagerly, steps_per_execution, jit_compile).
     */
    static ObjectNode model(ModelSpec spec, ExportedOptimizer exported) {
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
        ic.set(
                "batch_shape",
                batchShape(
                        spec.inputShape().stream().mapToInt(Integer::intValue).toArray()));
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
            l.put("module", "keras.layers").put("class_name", layer.kerasClass());
            ObjectNode c = l.putObject("config");
            c.put("name", names.get(k)).put("trainable", !spec.frozen().contains(k)); // Layer.get_config
            c.set("dtype", dtype());
            layer.writeConfig(c);
            l.putNull("registered_name");
            if (layer instanceof MergeSpec) {
                // a merge layer is built with a list of shapes, one per input (Keras's Merge.build refuses one)
                ArrayNode each = l.putObject("build_config").putArray("input_shape");
                for (int from : spec.inputsOf(k)) {
                    each.add(batchShape(
                            from < 0
                                    ? spec.inputShape().stream()
                                            .mapToInt(Integer::intValue)
                                            .toArray()
                                    : shapes.get(from)));
                }
            } else {
                l.putObject("build_config").set("input_shape", batchShape(in));
            }
            if (graph) {
                l.put("name", names.get(k));
                ArrayNode args = l.putArray("inbound_nodes").addObject().putArray("args");
                ArrayNode tensors = layer instanceof MergeSpec ? args.addArray() : args;
                for (int from : spec.inputsOf(k)) {
                    ObjectNode tensor = tensors.addObject();
                    tensor.put("class_name", "__keras_tensor__");
                    ObjectNode tc = tensor.putObject("config");
                    tc.set(
                            "shape",
                            batchShape(
                                    from < 0
                                            ? spec.inputShape().stream()
                                                    .mapToInt(Integer::intValue)
                                                    .toArray()
                                            : shapes.get(from)));
                    tc.put("dtype", "float32");
                    tc.putArray("keras_history")
                            .add(from < 0 ? "input_layer" : names.get(from))
                            .add(0)
                            .add(0);
                }
                ((ObjectNode) l.path("inbound_nodes").get(0)).putObject("kwargs");
            }
            in = k + 1 < spec.layers().size() ? spec.inputShapeOf(k + 1, shapes) : null;
        }
        if (graph) {
            config.putArray("input_layers").addArray().add("input_layer").add(0).add(0);
            config.putArray("output_layers")
                    .addArray()
                    .add(names.get(names.size() - 1))
                    .add(0)
                    .add(0);
        }
        model.put("registered_name", graph ? "Functional" : null);
        model.putObject("build_config")
                .set(
                        "input_shape",
                        batchShape(spec.inputShape().stream()
                                .mapToInt(Integer::intValue)
                                .toArray()));
        ObjectNode compile = model.putObject("compile_config");
        compile.set("optimizer", exported.kerasConfig());
        compile.set("loss", loss(spec, true));
        compile.putNull("loss_weights");
        compile.putArray("metrics").add("accuracy");
        compile.putNull("weighted_metrics")
                .put("run_eagerly", false)
                .put("steps_per_execution", 1)
                .put("jit_compile", false);
        return model;
    }

    /**
     * The legacy {@code .h5}'s training_config, as {@code legacy/saving/saving_utils.py} model_metadata writes it:
     * the compile config without its optimizer, its objects serialised in the legacy style (no module, no
     * registered_name), then {@code optimizer_config}. Keras's compile_args_from_training_config reads
     * {@code optimizer_config} and {@code loss_weights} without a default, the others with one.
     */
    static ObjectNode trainingConfig(ModelSpec spec, ExportedOptimizer exported) {
        ObjectNode training = JSON.createObjectNode();
        training.set("loss", loss(spec, false));
        training.putNull("loss_weights");
        training.putArray("metrics").add("accuracy");
        training.putNull("weighted_metrics")
                .put("run_eagerly", false)
                .put("steps_per_execution", 1)
                .put("jit_compile", false);
        training.set("optimizer_config", exported.legacyConfig());
        return training;
    }

    /**
     * The loss as Keras serialises it: a name for the built-in functions, or a {@code keras.losses} object
     * ({@code CategoricalCrossentropy(from_logits=True)}: its config from {@code losses/losses.py} get_config).
     */
    private static com.fasterxml.jackson.databind.JsonNode loss(ModelSpec spec, boolean withModule) {
        if (!spec.loss().fromLogits()) {
            return JSON.getNodeFactory().textNode(spec.loss().kerasName());
        }
        ObjectNode l = JSON.createObjectNode();
        if (withModule) {
            l.put("module", "keras.losses");
        }
        l.put("class_name", "CategoricalCrossentropy");
        l.putObject("config")
                .put("name", "categorical_crossentropy")
                .put("reduction", "sum_over_batch_size")
                .put("from_logits", true)
                .put("label_smoothing", 0.0)
                .put("axis", -1);
        if (withModule) {
            l.putNull("registered_name");
        }
        return l;
    }

    private static ObjectNode dtype() {
        ObjectNode d = JSON.createObjectNode();
        d.put("module", "keras").put("class_name", "DTypePolicy");
        d.putObject("config").put("name", "float32");
        d.putNull("registered_name");
        return d;
    }

    private static ArrayNode batchShape(int[] shape) {
        ArrayNode a = JSON.createArrayNode().addNull();
        for (int d : shape) {
            a.add(d);
        }
        return a;
    }
}
