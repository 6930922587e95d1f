package dev.kerasmnist.evaluation;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.training.Validation;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.classification.Evaluation;

/** Evaluates a network (a MultiLayerNetwork or an imported ComputationGraph) on MNIST's test images. */
public final class Evaluator {
    private Evaluator() {}

    /** Keras's {@code evaluate} numbers (the one scorer, {@link Validation}) with DL4J's full {@link Evaluation}. */
    public static TestResult evaluate(Model net, MnistSplit test) {
        Evaluation evaluation = new Evaluation(MnistSplit.CLASSES);
        Validation.Score score = Validation.score(net, test, evaluation::eval);
        return new TestResult(score.loss(), evaluation.accuracy(), test.size(), evaluation, score.predictions());
    }
}
