package dev.kerasmnist.evaluation;

import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.training.Validation;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** Evaluates a network on MNIST's test images. */
public final class Evaluator {
    private static final int BATCH = 1000;

    private Evaluator() {
    }

    public static TestResult evaluate(MultiLayerNetwork net, MnistSplit test) {
        Evaluation evaluation = new Evaluation(MnistSplit.CLASSES);
        DataSetIterator batches = MnistIterators.inOrder(test, BATCH);
        double lossSum = 0;
        int examples = 0;
        int[] predictions = new int[test.size()];
        while (batches.hasNext()) {
            DataSet batch = batches.next();
            int n = batch.numExamples();
            INDArray output = net.output(batch.getFeatures(), false); // the one forward pass
            evaluation.eval(batch.getLabels(), output);
            float[] p = output.dup('c').data().asFloat();
            int[] labels = batch.getLabels().argMax(1).toIntVector();
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int d = 1; d < MnistSplit.CLASSES; d++) {
                    if (p[i * MnistSplit.CLASSES + d] > p[i * MnistSplit.CLASSES + best]) {
                        best = d;
                    }
                }
                predictions[examples + i] = best;
                lossSum += Validation.crossEntropy(p[i * MnistSplit.CLASSES + labels[i]]);
            }
            examples += n;
        }
        return new TestResult(lossSum / examples, evaluation.accuracy(), examples, evaluation, predictions);
    }
}
