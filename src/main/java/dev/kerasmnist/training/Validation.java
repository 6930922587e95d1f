package dev.kerasmnist.training;

import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.Argmax;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.Networks;
import java.util.function.BiConsumer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Keras's {@code evaluate} numbers of a split: mean categorical crossentropy and accuracy, in one forward pass. The
 * one scorer: validation during {@code fit}, the test result of a run and {@code evaluation.Evaluator} use it.
 */
public final class Validation {
    private static final int BATCH = 1000;

    /**
     * Loss and accuracy of a network on a split.
     *
     * @param predictions the predicted digit of every example, in order
     */
    public record Score(double loss, double accuracy, int[] predictions) {}

    private Validation() {}

    public static Score score(Model net, MnistSplit split) {
        return score(net, split, (labels, output) -> {});
    }

    /**
     * As {@link #score(Model, MnistSplit)}, also handing each batch's one-hot labels and softmax output
     * to {@code batches} (e.g. DL4J's {@code Evaluation::eval}).
     */
    public static Score score(Model net, MnistSplit split, BiConsumer<INDArray, INDArray> batches) {
        DataSetIterator it = MnistIterators.inOrder(split, BATCH);
        int[] predictions = new int[split.size()];
        double lossSum = 0;
        int correct = 0;
        int examples = 0;
        while (it.hasNext()) {
            DataSet batch = it.next();
            INDArray output = Networks.output(net, batch.getFeatures());
            batches.accept(batch.getLabels(), output);
            float[] p = output.dup('c').data().asFloat();
            int[] labels = batch.getLabels().argMax(1).toIntVector();
            for (int i = 0; i < labels.length; i++) {
                int best = Argmax.of(p, i, MnistSplit.CLASSES);
                predictions[examples + i] = best;
                correct += best == labels[i] ? 1 : 0;
                lossSum += crossEntropy(p[i * MnistSplit.CLASSES + labels[i]]);
            }
            examples += labels.length;
        }
        return new Score(lossSum / examples, (double) correct / examples, predictions);
    }

    /**
     * Keras's categorical crossentropy of one example from its predicted probability of the true class, clipped
     * to [1e-7, 1 - 1e-7] as Keras clips probabilities.
     */
    public static double crossEntropy(float probabilityOfTruth) {
        double p = Math.min(Math.max(probabilityOfTruth, KerasLoss.KERAS_EPSILON), 1 - KerasLoss.KERAS_EPSILON);
        return -Math.log(p);
    }
}
