package dev.kerasmnist.model;

import dev.kerasmnist.data.MnistSplit;
import java.text.NumberFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Keras's {@code model.summary()} for a DL4J network (Dense, Conv2D, MaxPooling2D, Flatten, Dropout), with
 * parameter counts read from DL4J and shapes written channels-last as Keras prints them.
 */
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
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        Layer[] layers = net.getLayers();
        boolean image = layers[0].conf().getLayer() instanceof ConvolutionLayer;
        InputType input = image ? InputType.convolutionalFlat(MnistSplit.ROWS, MnistSplit.COLS, 1)
                : InputType.feedForward(((FeedForwardLayer) layers[0].conf().getLayer()).getNIn());
        List<InputType> outputs = conf.getLayerActivationTypes(input);
        Map<String, Integer> seen = new HashMap<>();
        long total = 0;
        for (int i = 0; i < layers.length; i++) {
            if (conf.getInputPreProcess(i) instanceof CnnToFeedForwardPreProcessor) {
                row(sb, name(seen, "flatten", "Flatten"), "(None, " + outputs.get(i - 1).arrayElementsPerExample()
                        + ")", 0);
            }
            org.deeplearning4j.nn.conf.layers.Layer layer = layers[i].conf().getLayer();
            String type = layer instanceof ConvolutionLayer ? "Conv2D" : layer instanceof SubsamplingLayer
                    ? "MaxPooling2D" : layer instanceof DropoutLayer ? "Dropout" : "Dense";
            String base = switch (type) {
                case "Conv2D" -> "conv2d";
                case "MaxPooling2D" -> "max_pooling2d";
                case "Dropout" -> "dropout";
                default -> "dense";
            };
            long params = layers[i].numParams();
            total += params;
            row(sb, name(seen, base, type), shape(outputs.get(i)), params);
        }
        sb.append(DOUBLE_RULE).append('\n');
        sb.append("Total params: ").append(n.format(total)).append('\n');
        sb.append("Trainable params: ").append(n.format(total)).append('\n');
        sb.append("Non-trainable params: 0\n").append(RULE).append('\n');
        return sb.toString();
    }

    /** Keras's layer names: dense, dense_1, ... per type. */
    private static String name(Map<String, Integer> seen, String base, String type) {
        int k = seen.merge(base, 1, Integer::sum) - 1;
        return (k == 0 ? base : base + "_" + k) + " (" + type + ")";
    }

    private static String shape(InputType t) {
        if (t instanceof InputType.InputTypeConvolutional c) {
            return "(None, " + c.getHeight() + ", " + c.getWidth() + ", " + c.getChannels() + ")"; // channels-last
        }
        return "(None, " + t.arrayElementsPerExample() + ")";
    }

    private static void row(StringBuilder sb, String name, String shape, long params) {
        sb.append(String.format(" %-27s %-25s %-9d%n", name, shape, params));
    }
}
