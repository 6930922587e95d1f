package dev.kerasmnist.keras;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.KerasVariable;
import dev.kerasmnist.model.LayerSpec;
import dev.kerasmnist.model.LstmSpec;
import dev.kerasmnist.model.MergeSpec;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.RescalingSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a Keras model file into a stock DL4J network for MNIST ({@link MultiLayerNetwork} for Sequential models and
 * Functional chains, {@code ComputationGraph} for residual graphs), in four steps: read the file
 * ({@link KerasFile}), translate its config into the model vocabulary ({@link KerasTranslation}), build it with
 * {@link KerasToDl4j}, and copy the weights in, every shape checked against the config before an array is read.
 */
public final class KerasImport {
    private KerasImport() {}

    /**
     * A model read from a Keras file.
     *
     * @param spec   the model in this program's Keras vocabulary
     * @param layers the original Keras layers, e.g. {@code Dense(16, relu)}
     */
    public record Imported(
            Model net,
            ModelSpec spec,
            KerasFormat format,
            String kerasVersion,
            String backend,
            List<String> layers,
            KerasOptimizer optimizer,
            List<Warning> warnings) {}

    /** Something about an imported model that looks wrong but cannot be known, and what would fix it. */
    public record Warning(String message, List<Remedy> remedies) {}

    /** Reads {@code file} as a model that takes pixels / 255, or a {@code Rescaling} layer's raw pixels. */
    public static Imported read(Path file) throws KerasImportException {
        return read(file, 1);
    }

    /**
     * Reads {@code file}.
     *
     * @param inputScale 255 for a model trained on raw 0..255 pixels without a Rescaling layer (no file records
     *                   it), else 1
     */
    public static Imported read(Path file, double inputScale) throws KerasImportException {
        try (KerasFile keras = KerasFile.open(file)) {
            KerasTranslation.Result t = KerasTranslation.translate(keras, inputScale, file.toString());
            ModelSpec spec = t.spec();
            if (inputScale == 1 && rescalesRawPixels(spec)) {
                spec = spec.withInputScale(255);
            }
            String wrong = mnistProblem(spec);
            if (wrong != null) {
                throw new KerasImportException(file + ": the model " + wrong);
            }
            List<List<INDArray>> weights = new ArrayList<>();
            List<int[]> shapes = spec.outputShapes();
            Map<String, Integer> h5Offsets = new HashMap<>(); // a nested model's layers share its top-level group
            for (int k = 0; k < spec.layers().size(); k++) {
                List<KerasVariable> variables = spec.layers().get(k).variables(spec.inputShapeOf(k, shapes));
                KerasTranslation.WeightRef ref = t.weights().get(k);
                int offset = h5Offsets.merge(ref.h5Layer(), variables.size(), Integer::sum) - variables.size();
                if (LstmSpec.CUDNN.equals(ref.kerasClass())) { // read in its own layout, then as LSTM's
                    LstmSpec lstm = (LstmSpec) spec.layers().get(k);
                    weights.add(LstmSpec.fromCudnn(read(
                            keras,
                            file,
                            lstm.cudnnVariables(spec.inputShapeOf(k, shapes)),
                            lstm.variableGroups(),
                            t.names().get(k),
                            ref,
                            offset)));
                    continue;
                }
                weights.add(read(
                        keras,
                        file,
                        variables,
                        spec.layers().get(k).variableGroups(),
                        t.names().get(k),
                        ref,
                        offset));
            }
            Model net = spec.chain() ? KerasToDl4j.buildStock(spec) : KerasToDl4j.buildGraph(spec);
            try {
                KerasToDl4j.setKerasWeights(net, spec, weights);
            } catch (IllegalArgumentException e) {
                throw new KerasImportException(file + ": " + e.getMessage(), e);
            }
            List<String> described = new ArrayList<>();
            described.add("Input("
                    + spec.inputShape()
                            .toString()
                            .replace('[', '(')
                            .replace(']', ')')
                            .replaceAll("^\\((\\d+)\\)$", "($1,)")
                    + ")");
            for (int k = 0; k < spec.layers().size(); k++) {
                LayerSpec layer = spec.layers().get(k);
                String call = layer.describe();
                if (layer instanceof MergeSpec) {
                    List<String> from = spec.inputsOf(k).stream()
                            .map(i -> i < 0 ? "input" : t.names().get(i))
                            .toList();
                    call = layer.kerasClass() + "([" + String.join(", ", from) + "])"; // the file's layer names
                }
                described.add(call);
            }
            List<Warning> warnings = new ArrayList<>();
            if (spec.inputScale() == 1) { // neither given nor read from a Rescaling layer: look
                RawPixels.Spread spread = RawPixels.spread(net);
                if (spread.suspicious()) {
                    warnings.add(new Warning(
                            String.format(
                                    "%s looks trained on raw 0..255 pixels: fed pixels / 255,"
                                            + " its outputs barely change from one digit to the next (%.3g, against %.3g fed raw"
                                            + " pixels)",
                                    file.getFileName(), spread.atOne(), spread.at255()),
                            List.of(new Remedy.InputScale(255))));
                }
            }
            return new Imported(
                    net,
                    spec,
                    keras.format(),
                    keras.kerasVersion(),
                    keras.backend(),
                    described,
                    KerasOptimizer.of(keras.training()),
                    List.copyOf(warnings));
        }
    }

    /**
     * One layer's variables, their shapes checked against the config before any is read; in legacy .h5, from
     * {@code h5Offset} on in its group.
     */
    private static List<INDArray> read(
            KerasFile keras,
            Path file,
            List<KerasVariable> variables,
            List<String> groups,
            String name,
            KerasTranslation.WeightRef ref,
            int h5Offset)
            throws KerasImportException {
        List<String> names = variables.stream().map(KerasVariable::name).toList();
        if (names.isEmpty()) {
            return List.of();
        }
        List<KerasFile.Variable> stored;
        if (keras.format() == KerasFormat.KERAS3_ZIP && groups.size() > 1) { // a wrapper's sublayers, in order
            stored = new ArrayList<>();
            for (String group : groups) {
                List<KerasFile.Variable> part = keras.zipVariables(ref.zipPath() + "/" + group);
                if (part == null) {
                    stored = null;
                    break;
                }
                stored.addAll(part);
            }
        } else if (keras.format() == KerasFormat.KERAS3_ZIP) {
            stored = keras.zipVariables(ref.zipPath());
            if (stored == null || stored.isEmpty()) {
                List<KerasFile.Variable> cell = keras.zipVariables(ref.zipPath() + "/cell"); // LSTM
                stored = cell != null ? cell : stored;
            }
        } else {
            List<KerasFile.Variable> all = keras.h5Variables(ref.h5Layer());
            stored = all == null || all.size() < h5Offset + names.size()
                    ? null
                    : all.subList(h5Offset, h5Offset + names.size());
        }
        if (stored == null || stored.size() < names.size()) {
            throw new KerasImportException(file + ": no weights for " + names + " of layer '" + name + "'"
                    + (keras.format() == KerasFormat.KERAS3_ZIP ? " (looked in " + ref.zipPath() + "/vars)" : "")
                    + "; is the file truncated or damaged?");
        }
        List<INDArray> arrays = new ArrayList<>();
        for (int v = 0; v < names.size(); v++) {
            KerasFile.Variable variable = stored.get(v);
            if (!Arrays.equals(variable.shape(), variables.get(v).shape())) {
                throw new KerasImportException(file + ": weights " + names.get(v) + " of layer '" + name
                        + "' have shape " + Arrays.toString(variable.shape()) + " but the config says "
                        + Arrays.toString(variables.get(v).shape()));
            }
            float[] values = keras.read(variable);
            arrays.add(Nd4j.create(values, variable.shape(), 'c').castTo(DataType.FLOAT));
        }
        return arrays;
    }

    /**
     * Whether the model takes raw 0..255 pixels: a Rescaling that shrinks them ({@code 1/255}, {@code 1/127.5} with
     * offset -1) before any layer with weights.
     */
    static boolean rescalesRawPixels(ModelSpec spec) {
        List<int[]> shapes = spec.outputShapes();
        for (int k = 0; k < spec.layers().size(); k++) {
            LayerSpec layer = spec.layers().get(k);
            if (layer instanceof RescalingSpec r) {
                return Math.abs(r.scale()) < 0.1;
            }
            if (!layer.variables(spec.inputShapeOf(k, shapes)).isEmpty()) {
                return false;
            }
        }
        return false;
    }

    /** Why {@code spec} cannot classify MNIST images, or null when it can. */
    static String mnistProblem(ModelSpec spec) {
        List<int[]> shapes = spec.outputShapes();
        int outputs = shapes.get(shapes.size() - 1)[0];
        if (spec.inputDim() != MnistSplit.PIXELS || outputs != MnistSplit.CLASSES) {
            return "takes " + spec.inputShape() + " (" + spec.inputDim() + " values) and gives " + outputs
                    + " outputs; an MNIST model takes " + MnistSplit.PIXELS + " pixels ((784,), (28, 28),"
                    + " (28, 28, 1) or (1, 28, 28)) and gives " + MnistSplit.CLASSES;
        }
        return null;
    }
}
