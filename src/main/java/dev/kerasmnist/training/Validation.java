package dev.kerasmnist.training;

import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.KerasLoss;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** Keras's {@code evaluate} numbers of a split: mean categorical crossentropy and accuracy, in one forward pass. */
public final class Validation {
    private static final int BATCH = 1000;

    /** Loss and accuracy of a network on a split. */
    public record Score(double loss, double accuracy) {
    }

    private Validation() {
    }

    public static Score score(MultiLayerNetwork net, MnistSplit split) {
        DataSetIterator batches = MnistIterators.inOrder(split, BATCH);
        double lossSum = 0;
        int correct = 0;
        int examples = 0;
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            float[] p = net.output(batch.getFeatures(), false).dup('c').data().asFloat();
            int[] labels = batch.getLabels().argMax(1).toIntVector();
            for (int i = 0; i < labels.length; i++) {
                int best = 0;
                for (int d = 1; d < MnistSplit.CLASSES; d++) {
                    if (p[i * MnistSplit.CLASSES + d] > p[i * MnistSplit.CLASSES + best]) {
                        best = d;
                    }
                }
                correct += best == labels[i] ? 1 : 0;
                lossSum += crossEntropy(p[i * MnistSplit.CLASSES + labels[i]]);
            }
            examples += labels.length;
        }
        return new Score(lossSum / examples, (double) correct / examples);
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
