package dev.kerasmnist.model;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Inference on either of DL4J's network types, which share no output method: {@link MultiLayerNetwork} (Sequential
 * models and Functional chains) and {@link ComputationGraph} (Functional graphs with residual Add).
 */
public final class Networks {
    /**
     * The most images a graph's forward pass takes at once: a caller's 10,000 go through in pieces of this size.
     * A graph keeps a few of one batch's activations (100 KB an image for 32 maps of 28x28: 13 MB here), which stay
     * below the size from which the C library maps every block from the kernel afresh (32 MB). Measured on the
     * keras3-resnet fixture's 10,000 test images, CPU seconds: 10.4 to 10.8 for batches of 64 to 200, 12.7 for
     * 500, 12.9 for 1,000.
     */
    public static final int GRAPH_BATCH = 128;

    private Networks() {}

    /** The network's output for {@code input} (inference mode: no dropout, batch statistics fixed). */
    public static INDArray output(Model net, INDArray input) {
        if (net instanceof MultiLayerNetwork m) {
            INDArray few = FastPathHook.output(m, input); // a few images without DL4J's per-layer costs, where it can
            return few != null ? few : m.output(input, false);
        }
        if (net instanceof ComputationGraph g) {
            return graphOutput(g, input);
        }
        throw new IllegalArgumentException(
                "not a DL4J network: " + net.getClass().getName());
    }

    /**
     * The network's output for {@code input} as {@code predict} and {@code serve} compute it, written into {@code
     * into} row after row (as many values as the output has). A chain's batch of more than a few images runs through
     * libnd4j's oneDNN ops where the natives have them ({@code model.fast}'s OneDnnChain), which sum in another order
     * than {@link #output}: the same numbers to float rounding, not bit for bit. {@link #output} stays DL4J's own
     * for such a batch, so that evaluation and training metrics are stock DL4J's.
     */
    public static void predict(Model net, INDArray input, float[] into) {
        if (net instanceof MultiLayerNetwork m && FastPathHook.predict(m, input, into)) {
            return;
        }
        INDArray output = output(net, input);
        if (output.ordering() != 'c' || output.elementWiseStride() != 1) {
            output = output.dup('c');
        }
        // host memory read: on a GPU backend this syncs with the device (CPU: a no-op)
        Nd4j.getAffinityManager().ensureLocation(output, AffinityManager.Location.HOST);
        new FloatPointer(output.data().addressPointer()).get(into, 0, (int) output.length());
    }

    /**
     * A graph's output in batches of at most {@link #GRAPH_BATCH} rows, each through the fast path's graph inference
     * ({@code model.fast}, through {@link FastPathHook}); every row's output is computed from that row alone, so
     * the pieces are the whole's.
     */
    private static INDArray graphOutput(ComputationGraph g, INDArray input) {
        long n = input.size(0);
        if (n <= GRAPH_BATCH) {
            return FastPathHook.output(g, input);
        }
        INDArray out = null;
        for (long from = 0; from < n; from += GRAPH_BATCH) {
            long to = Math.min(n, from + GRAPH_BATCH);
            INDArray part = FastPathHook.output(g, input.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()));
            if (out == null) {
                long[] shape = part.shape().clone();
                shape[0] = n;
                out = Nd4j.createUninitializedDetached(part.dataType(), shape);
            }
            out.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).assign(part);
        }
        return out;
    }

    /** Why {@code net} cannot classify MNIST images, or null when it can. */
    public static String mnistProblem(Model net) {
        return net instanceof ComputationGraph g
                ? ModelShape.mnistProblem(g)
                : ModelShape.mnistProblem((MultiLayerNetwork) net);
    }
}
