package dev.kerasmnist.model;

import java.text.NumberFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Keras's {@code model.summary()} and layer calls for a {@link ModelSpec}, with Keras's shapes and counts. */
public final class ModelSummary {
    private static final String RULE = "_".repeat(65);
    private static final String DOUBLE_RULE = "=".repeat(65);

    private ModelSummary() {
    }

    public static String of(ModelSpec spec) {
        NumberFormat n = NumberFormat.getIntegerInstance(Locale.US);
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(spec.chain() ? "sequential" : "functional").append("\"\n").append(RULE).append('\n');
        sb.append(String.format(" %-27s %-25s %-9s%n", "Layer (type)", "Output Shape", "Param #"));
        sb.append(DOUBLE_RULE).append('\n');
        List<int[]> shapes = spec.outputShapes();
        List<String> names = layerNames(spec);
        long total = 0;
        long fixed = 0;
        for (int i = 0; i < spec.layers().size(); i++) {
            LayerSpec layer = spec.layers().get(i);
            int[] in = spec.inputShapeOf(i, shapes);
            long params = 0;
            for (long[] shape : KerasToDl4j.variableShapes(layer, in, shapes.get(i))) {
                long size = 1;
                for (long d : shape) {
                    size *= d;
                }
                params += size;
            }
            if (layer instanceof BatchNormalizationSpec) {
                fixed += params / KerasToDl4j.variables(layer).size() * 2; // the moving mean and variance
            }
            total += params;
            String name = names.get(i) + " (" + kerasClass(layer) + ")";
            String shape = "(None, " + java.util.Arrays.stream(shapes.get(i)).mapToObj(Integer::toString)
                    .collect(Collectors.joining(", ")) + ")";
            sb.append(String.format(" %-27s %-25s %-9d%n", name, shape, params));
        }
        sb.append(DOUBLE_RULE).append('\n');
        sb.append("Total params: ").append(n.format(total)).append('\n');
        sb.append("Trainable params: ").append(n.format(total - fixed)).append('\n');
        sb.append("Non-trainable params: ").append(n.format(fixed)).append('\n').append(RULE).append('\n');
        return sb.toString();
    }

    /** The names Keras gives the layers: dense, dense_1, ... per class (also their .keras weight groups). */
    public static List<String> layerNames(ModelSpec spec) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> names = new java.util.ArrayList<>();
        for (LayerSpec layer : spec.layers()) {
            String base = snakeCase(kerasClass(layer));
            int k = seen.merge(base, 1, Integer::sum) - 1;
            names.add(k == 0 ? base : base + "_" + k);
        }
        return names;
    }

    /** Keras's class name of a layer: {@code Dense}, {@code MaxPooling2D}, ... */
    public static String kerasClass(LayerSpec layer) {
        if (layer instanceof Pooling2DSpec p) {
            return p.kerasClass();
        } else if (layer instanceof GlobalPooling2DSpec g) {
            return g.kerasClass();
        } else if (layer instanceof LstmSpec) {
            return "LSTM";
        } else if (layer instanceof SimpleRnnSpec) {
            return "SimpleRNN";
        }
        return layer.getClass().getSimpleName().replace("Spec", "");
    }

    /** The layer as a Keras call: {@code Conv2D(32, (3, 3), activation='relu')}. */
    public static String describe(LayerSpec layer) {
        if (layer instanceof DenseSpec d) {
            return "Dense(" + d.units() + ", " + d.activation().kerasName() + ")";
        } else if (layer instanceof Conv2DSpec c) {
            return "Conv2D(" + c.filters() + ", " + c.kernelSize() + ", " + c.activation().kerasName()
                    + (c.strides().rows() * c.strides().cols() != 1 ? ", strides=" + c.strides() : "")
                    + (c.padding() != Padding.VALID ? ", padding='" + c.padding().kerasName() + "'" : "")
                    + (c.dataFormat() != DataFormat.CHANNELS_LAST ? ", " + c.dataFormat().kerasName() : "")
                    + (c.useBias() ? "" : ", use_bias=False") + ")";
        } else if (layer instanceof Pooling2DSpec p) {
            return p.kerasClass() + "(" + p.poolSize() + (p.strides().equals(p.poolSize()) ? "" : ", strides="
                    + p.strides()) + (p.padding() != Padding.VALID ? ", padding='" + p.padding().kerasName() + "'"
                    : "") + ")";
        } else if (layer instanceof DropoutSpec d) {
            return "Dropout(" + d.rate() + ")";
        } else if (layer instanceof ActivationSpec a) {
            return "Activation(" + a.activation().kerasName() + ")";
        } else if (layer instanceof LeakyReLUSpec l) {
            return "LeakyReLU(" + l.negativeSlope() + ")";
        } else if (layer instanceof RescalingSpec r) {
            return "Rescaling(" + r.scale() + (r.offset() != 0 ? ", offset=" + r.offset() : "") + ")";
        } else if (layer instanceof ReshapeSpec r) {
            return "Reshape(" + r.targetShape() + ")";
        } else if (layer instanceof BatchNormalizationSpec b) {
            return "BatchNormalization(axis=" + b.axis() + ")";
        } else if (layer instanceof LstmSpec l) {
            return "LSTM(" + l.units() + (l.returnSequences() ? ", return_sequences=True" : "") + ")";
        } else if (layer instanceof SimpleRnnSpec r) {
            return "SimpleRNN(" + r.units() + ", " + r.activation().kerasName()
                    + (r.returnSequences() ? ", return_sequences=True" : "") + ")";
        }
        return kerasClass(layer);
    }

    /** Keras's {@code naming.to_snake_case}: {@code Conv2D} -> conv2d, {@code LeakyReLU} -> leaky_re_lu. */
    public static String snakeCase(String className) {
        String s = className.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
    }
}
