package dev.kerasmnist.evaluation;

import java.util.Locale;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * Keras's {@code test_loss, test_acc = network.evaluate(test_images, test_labels)}, with DL4J's full
 * {@link Evaluation} (per-class precision, recall, F1 and the confusion matrix) behind it.
 */
public record TestResult(double loss, double accuracy, int examples, Evaluation evaluation) {
    /** {@code test_acc} printed by the tutorial. */
    public static final double TUTORIAL_ACCURACY = 0.9801;

    /** Percentage points above (positive) or below the tutorial. */
    public double differenceFromTutorialPoints() {
        return (accuracy - TUTORIAL_ACCURACY) * 100;
    }

    /** {@code test_acc: 0.9813   tutorial: 0.9801   difference: +0.12 points}. */
    public String comparisonLine() {
        return String.format(Locale.ROOT, "test_acc: %.4f   tutorial: %.4f   difference: %+.2f points",
                accuracy, TUTORIAL_ACCURACY, differenceFromTutorialPoints());
    }
}
