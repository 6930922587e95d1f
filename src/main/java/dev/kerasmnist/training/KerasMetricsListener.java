package dev.kerasmnist.training;

import dev.kerasmnist.model.Argmax;
import dev.kerasmnist.model.fast.FastPath;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras's running training metrics: the loss and accuracy of each batch, averaged over the epoch so far and
 * weighted by batch size, handed to {@link Trainer}'s callbacks after every batch.
 *
 * <p>Accuracy needs the predictions of the forward pass, before the update, as Keras computes it: the argmax of
 * the output layer's logits (softmax keeps the order). With {@link FastPath}'s output layer those logits are kept
 * from the step itself; otherwise DL4J hands listeners the activations up to the output layer's input only, and the
 * logits are one small product with the output layer's weights, or, where a weightless loss layer ends the model
 * ({@code Dense(linear) -> Activation(softmax)}), that input is the network's output already.
 */
final class KerasMetricsListener extends BaseTrainingListener {
    /** Receives each batch's running metrics. */
    interface BatchCallback {
        void batchEnd(int step, double batchLoss, double meanLoss, double accuracy);
    }

    private final BatchCallback callback;
    private int step;
    private long seen;
    private long correct;
    private double lossSum;
    private int batchSize;
    /** Reused copies of the batch's logits and labels, row-major. */
    private float[] z = new float[0];

    private float[] y = new float[0];

    KerasMetricsListener(BatchCallback callback) {
        this.callback = callback;
    }

    void startEpoch() {
        step = 0;
        seen = 0;
        correct = 0;
        lossSum = 0;
    }

    double loss() {
        return seen == 0 ? Double.NaN : lossSum / seen;
    }

    double accuracy() {
        return seen == 0 ? Double.NaN : (double) correct / seen;
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        INDArray hidden = activations.get(activations.size() - 1);
        batchSize = (int) hidden.size(0);
        if (FastPath.hasFastOutputLayer(net)) {
            return; // counted in iterationDone from the logits the output layer computed anyway
        }
        correct += countCorrect(scores(net.getOutputLayer(), hidden), net.getLabels());
    }

    /**
     * A ComputationGraph's forward pass (a MultiLayerNetwork's comes to the list form above): only the batch size;
     * the output layer's input is set on it for the loss, so {@link #onBackwardPass} counts.
     */
    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        batchSize = (int) ((ComputationGraph) model).getInput(0).size(0);
    }

    /** A ComputationGraph's hits, from its output layer's input, before the update as in Keras. */
    @Override
    public void onBackwardPass(Model model) {
        if (model instanceof ComputationGraph g) {
            Layer out = g.getOutputLayer(0);
            correct += countCorrect(scores(out, out.input()), ((IOutputLayer) out).getLabels());
        }
    }

    /**
     * What the network's output ranks classes by, from the output layer's input: an output layer's logits, or, for
     * a loss layer without weights (a model ending in {@code Activation(softmax)}), the network's output itself.
     */
    private static INDArray scores(Layer out, INDArray input) {
        if (out.numParams() == 0) {
            return input.rank() == 2 ? input : input.reshape(input.size(0), -1);
        }
        INDArray logits = input.mmul(out.getParam("W"));
        return out.getParam("b") == null ? logits : logits.addiRowVector(out.getParam("b")); // Dense(use_bias=False)
    }

    /** Rows whose largest logit is at the label's one-hot position (first maximum wins, as in argmax). */
    private long countCorrect(INDArray logits, INDArray oneHot) {
        z = rowMajor(logits, z);
        y = rowMajor(oneHot, y);
        int classes = (int) logits.size(1);
        long hits = 0;
        for (int row = 0; row < logits.size(0); row++) {
            if (Argmax.of(z, row, classes) == Argmax.of(y, row, classes)) {
                hits++;
            }
        }
        return hits;
    }

    /**
     * {@code a} as a row-major float array (reusing {@code into} when it fits). A contiguous float array is copied
     * in one bulk read: ND4J's {@code dup} and {@code asFloat} would take two ops and two allocations per batch.
     */
    private static float[] rowMajor(INDArray a, float[] into) {
        int n = (int) a.length();
        float[] out = into.length == n ? into : new float[n];
        if (a.dataType() == DataType.FLOAT && a.ordering() == 'c' && a.elementWiseStride() == 1 && !a.isView()) {
            Nd4j.getAffinityManager().ensureLocation(a, AffinityManager.Location.HOST);
            new FloatPointer(a.data().addressPointer()).get(out, 0, n);
            return out;
        }
        float[] copy = a.dup('c').data().asFloat();
        System.arraycopy(copy, 0, out, 0, n);
        return out;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epochCount) {
        INDArray logits = model instanceof MultiLayerNetwork m ? FastPath.lastTrainingLogits(m) : null;
        if (logits != null) {
            correct += countCorrect(logits, ((MultiLayerNetwork) model).getLabels());
        }
        double loss = model.score(); // mean categorical crossentropy of this batch
        step++;
        seen += batchSize;
        lossSum += loss * batchSize;
        callback.batchEnd(step, loss, loss(), accuracy());
    }
}
