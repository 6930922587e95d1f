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

    private ModelSummary() {}

    public static String of(ModelSpec spec) {
        NumberFormat n = NumberFormat.getIntegerInstance(Locale.US);
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"")
                .append(spec.chain() ? "sequential" : "functional")
                .append("\"\n")
                .append(RULE)
                .append('\n');
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
            for (KerasVariable v : layer.variables(in)) {
                params += v.size();
                fixed += v.trainable() && !spec.frozen().contains(i) ? 0 : v.size();
            }
            total += params;
            String name = names.get(i) + " (" + layer.kerasClass() + ")";
            String shape = "(None, "
                    + java.util.Arrays.stream(shapes.get(i))
                            .mapToObj(Integer::toString)
                            .collect(Collectors.joining(", "))
                    + ")";
            sb.append(String.format(" %-27s %-25s %-9d%n", name, shape, params));
        }
        sb.append(DOUBLE_RULE).append('\n');
        sb.append("Total params: ").append(n.format(total)).append('\n');
        sb.append("Trainable params: ").append(n.format(total - fixed)).append('\n');
        sb.append("Non-trainable params: ")
                .append(n.format(fixed))
                .append('\n')
                .append(RULE)
                .append('\n');
        return sb.toString();
    }

    /** The names Keras gives the layers: dense, dense_1, ... per class (also their .keras weight groups). */
    public static List<String> layerNames(ModelSpec spec) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> names = new java.util.ArrayList<>();
        for (LayerSpec layer : spec.layers()) {
            String base = snakeCase(layer.kerasClass());
            int k = seen.merge(base, 1, Integer::sum) - 1;
            names.add(k == 0 ? base : base + "_" + k);
        }
        return names;
    }

    /** Keras's {@code naming.to_snake_case}: {@code Conv2D} -> conv2d, {@code LeakyReLU} -> leaky_re_lu. */
    public static String snakeCase(String className) {
        String s = className.replaceAll("\\W+", "");
        s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
    }
}
