package dev.kerasmnist.model;

import dev.kerasmnist.data.MnistSplit;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Whether a network can classify MNIST: 784 pixels in, 10 classes out. */
public final class ModelShape {
    private ModelShape() {
    }

    /** Why {@code net} cannot classify MNIST images, or null when it can. */
    public static String mnistProblem(MultiLayerNetwork net) {
        String expected = "an MNIST model takes " + MnistSplit.PIXELS + " (" + MnistSplit.ROWS + "x" + MnistSplit.COLS
                + ") inputs and gives " + MnistSplit.CLASSES;
        if (!(net.getLayer(0).conf().getLayer() instanceof FeedForwardLayer first)
                || !(net.getOutputLayer().conf().getLayer() instanceof FeedForwardLayer last)) {
            return "is not a network of dense layers; " + expected;
        }
        if (first.getNIn() != MnistSplit.PIXELS || last.getNOut() != MnistSplit.CLASSES) {
            return "takes " + first.getNIn() + " inputs and gives " + last.getNOut() + " outputs; " + expected;
        }
        return null;
    }
}
