package dev.kerasmnist.model;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import onnx.Onnx;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a model of ours as an ONNX model, for ONNX Runtime, TensorRT, OpenVINO, DJL and the rest: built from the
 * model's {@link ModelSpec}, each layer by its mapping's {@link Dl4jMapping#onnx} (so a layer has one place for its
 * Keras facts, its DL4J form and its ONNX form), with the DL4J model's trained weights.
 *
 * <p>The ONNX model takes {@value #INPUT}, float32 {@code [N, 784]}: the 28x28 pixels row by row, as pixels / 255
 * (as every model here takes them; a model trained on raw pixels multiplies by 255 inside the graph), with a
 * dynamic batch axis; it reshapes them inside the graph for convnets and recurrent models. It gives
 * {@value #OUTPUT}, float32 {@code [N, 10]}: what the DL4J model outputs (the softmax of a classifier). Where a
 * model came from goes into {@code metadata_props}. A layer with no exact ONNX form is refused in one line naming
 * it. Written with the ONNX protobuf classes inside nd4j-api.
 */
public final class OnnxExport {
    /** The opset written unless another is asked for. */
    public static final int DEFAULT_OPSET = 17;
    /** The opsets this exporter writes (every operator it uses means the same in each). */
    public static final int MIN_OPSET = 13;

    public static final int MAX_OPSET = 21;
    /** The graph's input and output names. */
    public static final String INPUT = "pixels";

    public static final String OUTPUT = "probabilities";

    private OnnxExport() {}

    /** What an export of a saved model wrote. */
    public record Exported(Path file, ModelSpec spec, int opset, Map<String, String> metadata) {}

    /**
     * Exports a saved model (its zip and the provenance beside it, which holds its layers) to {@code out}.
     *
     * @throws ModelLoadException if it cannot be loaded or its provenance has no layers
     * @throws IllegalArgumentException for an opset outside {@value #MIN_OPSET} to {@value #MAX_OPSET}, or a layer
     *                                  with no exact ONNX form (naming it)
     */
    public static Exported write(Path model, Path out, int opset) throws IOException {
        checkOpset(opset);
        Source source = read(model);
        write(source.net(), source.spec(), out, opset, source.metadata());
        return new Exported(out, source.spec(), opset, source.metadata());
    }

    /**
     * A saved model, loaded with what its ONNX form needs: the network, the Keras description of its layers and the
     * metadata an export records.
     */
    public record Source(Model net, ModelSpec spec, Map<String, String> metadata) {
        /** The ONNX model, as the bytes of an {@code .onnx} file. */
        public byte[] bytes(int opset) {
            return OnnxExport.bytes(net, spec, opset, metadata);
        }
    }

    /**
     * Loads a saved model (its zip and the provenance beside it, which holds its layers) for export.
     *
     * @throws ModelLoadException if it cannot be loaded or its provenance has no layers
     */
    public static Source read(Path model) throws IOException {
        Model net = ModelStore.loadAny(model);
        ModelFiles files = new ModelFiles(model);
        Provenance provenance = Files.isRegularFile(files.provenance()) ? ModelStore.readProvenance(files) : null;
        ModelSpec spec = provenance == null ? null : provenance.model().orElse(null);
        if (spec == null) {
            throw new ModelLoadException(
                    model + " has no Keras description of its layers (its "
                            + files.provenance().getFileName()
                            + " is missing or predates them); retrain it or import it again, then export",
                    null);
        }
        return new Source(net, spec, metadata(provenance, Mnist.sha256(Files.readAllBytes(model))));
    }

    /** Writes {@code net}, built from {@code spec}, as ONNX to {@code out} (atomically). */
    public static void write(Model net, ModelSpec spec, Path out, int opset, Map<String, String> metadata)
            throws IOException {
        byte[] bytes = bytes(net, spec, opset, metadata);
        AtomicFiles.write(out, o -> o.write(bytes));
    }

    /** The ONNX model of {@code net}, built from {@code spec}, as the bytes of an {@code .onnx} file. */
    public static byte[] bytes(Model net, ModelSpec spec, int opset, Map<String, String> metadata) {
        return model(net, spec, opset, metadata).toByteArray();
    }

    /** The provenance's facts as {@code metadata_props}: origin, test accuracy, the source zip's SHA-256, ... */
    public static Map<String, String> metadata(Provenance p, String sourceSha256) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("keras_mnist.origin", p.origin().kind().json());
        m.put("keras_mnist.name", p.origin().name());
        p.origin().details().forEach((k, v) -> m.put("keras_mnist.origin." + k, v));
        p.test().ifPresent(t -> {
            m.put("keras_mnist.test_accuracy", String.format(Locale.ROOT, "%.4f", t.accuracy()));
            m.put("keras_mnist.test_loss", String.format(Locale.ROOT, "%.4f", t.loss()));
        });
        p.training().ifPresent(t -> m.put("keras_mnist.epochs_trained", String.valueOf(t.epochsTrained())));
        m.put("keras_mnist.source_sha256", sourceSha256);
        m.put(
                "keras_mnist.created_by",
                p.build().codeVersion() + ", DL4J " + p.build().dl4jVersion());
        return m;
    }

    /** Refuses an opset this exporter does not write. */
    public static void checkOpset(int opset) {
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new IllegalArgumentException(
                    "ONNX opset " + opset + " is not written; opsets " + MIN_OPSET + " to " + MAX_OPSET + " are");
        }
    }

    /** The IR version that goes with an opset (ONNX's versioning table). */
    static long irVersion(int opset) {
        return opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
    }

    static Onnx.ModelProto model(Model net, ModelSpec spec, int opset, Map<String, String> metadata) {
        checkOpset(opset);
        if (spec.inputDim() != MnistSplit.PIXELS) {
            throw new IllegalArgumentException(
                    "the model takes " + spec.inputDim() + " features, not MNIST's " + MnistSplit.PIXELS + " pixels");
        }
        DataFormat format = spec.layers().stream()
                .map(LayerSpec::readsFeatureMaps)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(DataFormat.CHANNELS_LAST);
        OnnxGraph g = new OnnxGraph(opset, format);
        List<List<INDArray>> weights = KerasToDl4j.kerasWeights(net, spec);
        List<int[]> shapes = spec.outputShapes();
        List<String> names = ModelSummary.layerNames(spec);

        OnnxGraph.Value x = new OnnxGraph.Value(INPUT, new int[] {MnistSplit.PIXELS}, false);
        if (spec.inputScale() != 1) {
            g.layer("input_scale");
            x = x.to(g.node("Mul", List.of(x.name(), g.scalar("scale", spec.inputScale()))), x.shape());
        }
        int[] inputShape =
                spec.inputShape().stream().mapToInt(Integer::intValue).toArray();
        if (inputShape.length > 1) {
            g.layer("input_shape");
            long[] shape = new long[inputShape.length + 1];
            for (int i = 0; i < inputShape.length; i++) {
                shape[i + 1] = inputShape[i];
            }
            x = x.to(g.node("Reshape", List.of(x.name(), g.int64s("shape", shape))), inputShape);
        }
        int n = spec.layers().size();
        OnnxGraph.Value[] values = new OnnxGraph.Value[n];
        for (int k = 0; k < n; k++) {
            g.layer(names.get(k));
            List<OnnxGraph.Value> in = new ArrayList<>();
            for (int f : spec.inputsOf(k)) {
                in.add(f < 0 ? x : values[f]);
            }
            values[k] = onnx(spec.layers().get(k), g, new OnnxGraph.In(in, shapes.get(k), weights.get(k)));
        }
        g.layer("output");
        OnnxGraph.Value last = g.keras(values[n - 1]);
        if (spec.loss()
                .fromLogits()) { // a model ending in logits: DL4J's output layer applies the softmax, so here too
            last = last.to(g.node("Softmax", List.of(last.name()), OnnxGraph.attr("axis", -1L)), last.shape());
        }
        g.proto()
                .addNodeBuilder()
                .setOpType("Identity")
                .setName("output")
                .addInput(last.name())
                .addOutput(OUTPUT);
        int classes = shapes.get(n - 1)[0];
        g.proto()
                .setName("keras_mnist")
                .addInput(tensor(INPUT, MnistSplit.PIXELS))
                .addOutput(tensor(OUTPUT, classes))
                .setDocString(String.join(
                        ", ", spec.layers().stream().map(LayerSpec::describe).toList()));

        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder()
                .setIrVersion(irVersion(opset))
                .setProducerName("keras-mnist")
                .setProducerVersion(Versions.project())
                .setDocString("MNIST digits: " + INPUT + " float32 [N, " + MnistSplit.PIXELS + "] (28x28 row by row,"
                        + " pixels / 255) to " + OUTPUT + " float32 [N, " + classes + "]")
                .setGraph(g.proto());
        model.addOpsetImportBuilder().setDomain("").setVersion(opset);
        metadata.forEach((k, v) -> model.addMetadataPropsBuilder().setKey(k).setValue(v));
        return model.build();
    }

    private static <L extends LayerSpec> OnnxGraph.Value onnx(L layer, OnnxGraph g, OnnxGraph.In in) {
        return Layers.mapping(layer).onnx(layer, g, in);
    }

    /** A float32 {@code [N, size]} graph input or output, N the dynamic batch axis. */
    private static Onnx.ValueInfoProto tensor(String name, int size) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        shape.addDimBuilder().setDimParam("N");
        shape.addDimBuilder().setDimValue(size);
        return Onnx.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(Onnx.TypeProto.newBuilder()
                        .setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                                .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                                .setShape(shape)))
                .build();
    }
}
