package dev.kerasmnist.model;

import dev.kerasmnist.data.MnistSplit;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.preprocessors.ReshapePreprocessor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whether a network can classify MNIST: 784 pixels in, 10 classes out. Layers without a width of their own
 * (activation, dropout, and the {@code LossLayer} DL4J's Keras importer ends networks with) are looked through.
 */
public final class ModelShape {
    private ModelShape() {}

    /**
     * Why {@code graph} cannot classify MNIST images, or null when it can: one image through it must give 10
     * values (graphs are only made here, from a checked {@link ModelSpec}; DL4J checks every shape on the way).
     */
    public static String mnistProblem(ComputationGraph graph) {
        String expected = "an MNIST model takes " + MnistSplit.PIXELS + " inputs and gives " + MnistSplit.CLASSES;
        if (graph.getNumInputArrays() != 1 || graph.getNumOutputArrays() != 1) {
            return "has " + graph.getNumInputArrays() + " inputs and " + graph.getNumOutputArrays() + " outputs; "
                    + expected;
        }
        try {
            long[] shape = graph.outputSingle(false, Nd4j.zeros(DataType.FLOAT, 1, MnistSplit.PIXELS))
                    .shape();
            return shape.length == 2 && shape[1] == MnistSplit.CLASSES
                    ? null
                    : "gives " + java.util.Arrays.toString(shape) + " for one image; " + expected;
        } catch (RuntimeException e) {
            return "cannot take one image of " + MnistSplit.PIXELS + " pixels (" + e.getMessage() + "); " + expected;
        }
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
