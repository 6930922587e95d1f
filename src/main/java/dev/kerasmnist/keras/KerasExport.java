package dev.kerasmnist.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kerasmnist.files.AtomicFiles;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.KerasVariable;
import dev.kerasmnist.model.ModelSpec;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a model as Keras 3 would save it, so that {@code keras.saving.load_model(path)} in Python reads it: the
 * native {@code .keras} zip ({@code metadata.json}, {@code config.json}, {@code model.weights.h5} with each layer's
 * variables at {@code layers/<class in snake_case, numbered per class>/vars/<i>}, an LSTM's under
 * {@code .../cell/vars}), or the legacy {@code .h5} ({@code model_config} and {@code training_config} attributes,
 * {@code model_weights/<layer>} groups whose {@code weight_names} list their variables in order). DL4J has no Keras
 * exporter; the weights come back from DL4J's layouts through {@link KerasToDl4j#kerasWeights}.
 */
public final class KerasExport {
    /** The Keras release whose saving format these files follow (its saving_lib.py and legacy_h5_format.py). */
    public static final String KERAS_VERSION = "3.3.3";

    private static final ObjectMapper JSON = new ObjectMapper();

    private KerasExport() {}

    /** {@code model.save("m.keras")} or {@code model.save("m.h5")}. */
    public enum Format {
        KERAS("keras"),
        H5("h5");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        public String extension() {
            return extension;
        }
    }

    /** Writes {@code net} (built from {@code spec}) to {@code out}, atomically. */
    public static void write(Model net, ModelSpec spec, Path out, Format format) throws IOException {
        ExportedOptimizer optimizer = ExportedOptimizer.of(net, spec);
        ObjectNode config;
        try {
            config = KerasConfigWriter.model(spec, optimizer);
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot export: " + e.getMessage(), e);
        }
        List<List<INDArray>> weights = KerasToDl4j.kerasWeights(net, spec);
        List<String> names = KerasConfigWriter.names(spec);
        Path h5 = Files.createTempFile(out.toAbsolutePath().getParent(), ".export", ".h5");
        try {
            if (format == Format.KERAS) {
                writeWeightsH5(h5, spec, names, weights, OptimizerState.kerasVariables(net, spec, optimizer, names));
                byte[] weightBytes = Files.readAllBytes(h5);
                String metadata = JSON.createObjectNode()
                        .put("keras_version", KERAS_VERSION)
                        .put(
                                "date_saved",
                                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")))
                        .toString();
                AtomicFiles.write(out, stream -> {
                    ZipOutputStream zip = new ZipOutputStream(stream);
                    entry(zip, "metadata.json", metadata.getBytes(StandardCharsets.UTF_8));
                    entry(zip, "config.json", config.toString().getBytes(StandardCharsets.UTF_8));
                    entry(zip, "model.weights.h5", weightBytes);
                    zip.finish();
                });
            } else {
                writeLegacyH5(
                        h5,
                        spec,
                        names,
                        weights,
                        config,
                        KerasConfigWriter.trainingConfig(spec, optimizer),
                        optimizer.name(),
                        OptimizerState.kerasVariables(net, spec, optimizer, names));
                byte[] bytes = Files.readAllBytes(h5);
                AtomicFiles.write(out, stream -> stream.write(bytes));
            }
        } finally {
            Files.deleteIfExists(h5);
        }
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /**
     * saving_lib's model.weights.h5. Keras writes an empty {@code vars} group for layers without variables too;
     * they are left out here (jHDF 0.9.4 writes empty groups that HDF5 cannot read back when large datasets share
     * the file), which Keras's H5IOStore reads as "no variables", as it does for files from Keras 2.13.
     */
    private static void writeWeightsH5(
            Path file,
            ModelSpec spec,
            List<String> names,
            List<List<INDArray>> weights,
            List<OptimizerState.Variable> optimizer) {
        WritableHdfFile h5 = HdfFile.write(file);
        try {
            WritableGroup layers = h5.putGroup("layers");
            for (int k = 0; k < spec.layers().size(); k++) {
                if (weights.get(k).isEmpty()) {
                    continue;
                }
                WritableGroup layer = layers.putGroup(names.get(k));
                List<String> groups = spec.layers().get(k).variableGroups();
                int share = weights.get(k).size() / groups.size();
                for (int gi = 0; gi < groups.size(); gi++) {
                    WritableGroup holder = layer;
                    for (String part : groups.get(gi).split("/")) {
                        holder = part.isEmpty() ? holder : holder.putGroup(part);
                    }
                    WritableGroup vars = holder.putGroup("vars");
                    for (int v = 0; v < share; v++) {
                        vars.putDataset(
                                Integer.toString(v), nested(weights.get(k).get(gi * share + v)));
                    }
                }
            }
            if (!optimizer.isEmpty()) { // saving_lib: the compiled model's optimizer, beside its layers
                WritableGroup vars = h5.putGroup("optimizer").putGroup("vars");
                for (int i = 0; i < optimizer.size(); i++) {
                    Object value = optimizer.get(i).value();
                    vars.putDataset(Integer.toString(i), value instanceof INDArray a ? nested(a) : value);
                }
            }
        } finally {
            h5.close();
        }
    }

    /**
     * legacy_h5_format.save_model_to_hdf5: attributes, then model_weights/<layer>/<weight path>, then (where there is
     * state to save) optimizer_weights, which load_model with compile=True hands to optimizer.set_weights in
     * weight_names order: the order of a .keras's optimizer/vars ({@link OptimizerState}).
     */
    private static void writeLegacyH5(
            Path file,
            ModelSpec spec,
            List<String> names,
            List<List<INDArray>> weights,
            ObjectNode config,
            ObjectNode training,
            String optimizerName,
            List<OptimizerState.Variable> optimizer) {
        WritableHdfFile h5 = HdfFile.write(file);
        try {
            h5.putAttribute("keras_version", KERAS_VERSION);
            h5.putAttribute("backend", "tensorflow");
            h5.putAttribute("model_config", config.toString());
            h5.putAttribute("training_config", training.toString());
            WritableGroup model = h5.putGroup("model_weights");
            // Keras's loader reads the layers that list weight_names, in order; the others are left out (see above)
            List<String> withWeights = new ArrayList<>();
            List<int[]> shapes = spec.outputShapes();
            for (int k = 0; k < spec.layers().size(); k++) {
                List<String> variables = spec.layers().get(k).variables(spec.inputShapeOf(k, shapes)).stream()
                        .map(KerasVariable::name)
                        .toList();
                if (variables.isEmpty()) {
                    continue;
                }
                withWeights.add(names.get(k));
                WritableGroup group = model.putGroup(names.get(k));
                WritableGroup holder = group.putGroup("sequential").putGroup(names.get(k));
                List<String> paths = new ArrayList<>();
                for (int v = 0; v < variables.size(); v++) {
                    holder.putDataset(variables.get(v), nested(weights.get(k).get(v)));
                    paths.add("sequential/" + names.get(k) + "/" + variables.get(v));
                }
                group.putAttribute("weight_names", paths.toArray(String[]::new));
            }
            model.putAttribute("layer_names", withWeights.toArray(String[]::new));
            model.putAttribute("keras_version", KERAS_VERSION);
            model.putAttribute("backend", "tensorflow");
            if (!optimizer.isEmpty()) {
                WritableGroup state = h5.putGroup("optimizer_weights");
                WritableGroup holder = state.putGroup(optimizerName); // save_optimizer_weights_to_hdf5_group: by path
                List<String> paths = new ArrayList<>();
                for (OptimizerState.Variable v : optimizer) {
                    holder.putDataset(v.name(), v.value() instanceof INDArray a ? nested(a) : v.value());
                    paths.add(optimizerName + "/" + v.name());
                }
                state.putAttribute("weight_names", paths.toArray(String[]::new));
            }
        } finally {
            h5.close();
        }
    }

    /** A float array of the INDArray's rank and shape, as jHDF writes datasets. */
    static Object nested(INDArray a) {
        float[] flat = a.dup('c').data().asFloat();
        int[] shape = java.util.Arrays.stream(a.shape()).mapToInt(d -> (int) d).toArray();
        if (shape.length == 1) {
            return flat;
        }
        Object out = Array.newInstance(float.class, shape);
        fill(out, shape, 0, flat, new int[] {0});
        return out;
    }

    private static void fill(Object array, int[] shape, int depth, float[] flat, int[] at) {
        if (depth == shape.length - 1) {
            float[] row = (float[]) array;
            System.arraycopy(flat, at[0], row, 0, row.length);
            at[0] += row.length;
            return;
        }
        for (int i = 0; i < shape[depth]; i++) {
            fill(Array.get(array, i), shape, depth + 1, flat, at);
        }
    }
}
