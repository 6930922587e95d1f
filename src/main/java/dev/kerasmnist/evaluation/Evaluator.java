package dev.kerasmnist.evaluation;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.training.Validation;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;

/** Evaluates a network on MNIST's test images. */
public final class Evaluator {
    private Evaluator() {
    }

    /** Keras's {@code evaluate} numbers (the one scorer, {@link Validation}) with DL4J's full {@link Evaluation}. */
    public static TestResult evaluate(MultiLayerNetwork net, MnistSplit test) {
        Evaluation evaluation = new Evaluation(MnistSplit.CLASSES);
        Validation.Score score = Validation.score(net, test, evaluation::eval);
        return new TestResult(score.loss(), evaluation.accuracy(), test.size(), evaluation, score.predictions());
    }
}
