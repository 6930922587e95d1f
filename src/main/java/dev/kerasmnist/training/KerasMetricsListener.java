package dev.kerasmnist.training;

import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras's running training metrics: the loss and accuracy of each batch, averaged over the epoch so far and
 * weighted by batch size. Stops training (by throwing) as soon as the loss is not finite.
 *
 * <p>Accuracy needs the predictions of the forward pass, before the update, as Keras computes it. DL4J hands
 * listeners the activations up to the last hidden layer only; the output layer's argmax is then one small product
 * with its weights (softmax keeps the order), far cheaper than a second forward pass.
 */
final class KerasMetricsListener extends BaseTrainingListener {
    /** Receives each batch's running metrics. */
    interface BatchCallback {
        void batchEnd(int step, double loss, double accuracy);
    }

    private final BatchCallback callback;
    private int epoch;
    private int step;
    private long seen;
    private long correct;
    private double lossSum;
    private int batchSize;

    KerasMetricsListener(BatchCallback callback) {
        this.callback = callback;
    }

    void startEpoch(int epoch) {
        this.epoch = epoch;
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
        Layer out = net.getOutputLayer();
        INDArray logits = hidden.mmul(out.getParam("W")).addiRowVector(out.getParam("b"));
        INDArray predicted = Nd4j.argMax(logits, 1);
        INDArray actual = Nd4j.argMax(net.getLabels(), 1);
        batchSize = (int) hidden.size(0);
        correct += predicted.eq(actual).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().longValue();
    }

    @Override
    public void iterationDone(Model model, int iteration, int epochCount) {
        double loss = model.score(); // mean categorical crossentropy of this batch
        step++;
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException(epoch, step, loss);
        }
        seen += batchSize;
        lossSum += loss * batchSize;
        callback.batchEnd(step, loss(), accuracy());
    }
}
