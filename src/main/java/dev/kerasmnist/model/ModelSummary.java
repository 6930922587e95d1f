package dev.kerasmnist.model;

import java.text.NumberFormat;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Keras's {@code model.summary()} for a DL4J network of dense layers, with parameter counts read from DL4J. */
public final class ModelSummary {
    private static final String RULE = "_".repeat(65);
    private static final String DOUBLE_RULE = "=".repeat(65);

    private ModelSummary() {
    }

    public static String of(MultiLayerNetwork net) {
        NumberFormat n = NumberFormat.getIntegerInstance(Locale.US);
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"sequential\"\n").append(RULE).append('\n');
        sb.append(String.format(" %-27s %-25s %-9s%n", "Layer (type)", "Output Shape", "Param #"));
        sb.append(DOUBLE_RULE).append('\n');
        long total = 0;
        Layer[] layers = net.getLayers();
        for (int i = 0; i < layers.length; i++) {
            FeedForwardLayer conf = (FeedForwardLayer) layers[i].conf().getLayer();
            long params = layers[i].numParams();
            total += params;
            String name = (i == 0 ? "dense" : "dense_" + i) + " (Dense)";
            sb.append(String.format(" %-27s %-25s %-9d%n", name, "(None, " + conf.getNOut() + ")", params));
        }
        sb.append(DOUBLE_RULE).append('\n');
        sb.append("Total params: ").append(n.format(total)).append('\n');
        sb.append("Trainable params: ").append(n.format(total)).append('\n');
        sb.append("Non-trainable params: 0\n").append(RULE).append('\n');
        return sb.toString();
    }
}
