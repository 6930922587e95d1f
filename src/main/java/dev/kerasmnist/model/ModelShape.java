package dev.kerasmnist.model;

import dev.kerasmnist.data.MnistSplit;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.preprocessors.ReshapePreprocessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Whether a network can classify MNIST: 784 pixels in, 10 classes out. Layers without a width of their own
 * (activation, dropout, and the {@code LossLayer} DL4J's Keras importer ends networks with) are looked through.
 */
public final class ModelShape {
    private ModelShape() {
    }

    /** Why {@code net} cannot classify MNIST images, or null when it can. */
    public static String mnistProblem(MultiLayerNetwork net) {
        String expected = "an MNIST model takes " + MnistSplit.PIXELS + " (" + MnistSplit.ROWS + "x" + MnistSplit.COLS
                + ") inputs and gives " + MnistSplit.CLASSES;
        long inputs = -1;
        long outputs = -1;
        for (Layer layer : net.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            if (conf instanceof BaseWrapperLayer wrapper) {
                conf = wrapper.getUnderlying(); // LastTimeStep(LSTM)
            }
            if (conf instanceof FeedForwardLayer f && f.getNOut() > 0) {
                if (inputs < 0) {
                    inputs = f.getNIn();
                }
                outputs = f.getNOut();
            }
        }
        // A convnet takes the flat 784 pixels and reshapes them into its 28x28x1 image first, an LSTM into rows.
        InputPreProcessor first = net.getLayerWiseConfigurations().getInputPreProcess(0);
        if (first instanceof FeedForwardToCnnPreProcessor image) {
            inputs = image.getInputHeight() * image.getInputWidth() * image.getNumChannels();
        } else if (first instanceof ReshapePreprocessor reshape) {
            inputs = java.util.Arrays.stream(reshape.getInputShape()).reduce(1, (a, b) -> a * b);
        }
        if (inputs < 0) {
            return "has no dense layers; " + expected;
        }
        if (inputs != MnistSplit.PIXELS || outputs != MnistSplit.CLASSES) {
            return "takes " + inputs + " inputs and gives " + outputs + " outputs; " + expected;
        }
        return null;
    }
}
