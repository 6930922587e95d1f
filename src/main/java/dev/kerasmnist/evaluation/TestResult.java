package dev.kerasmnist.evaluation;

import java.util.Locale;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * Keras's {@code test_loss, test_acc = network.evaluate(test_images, test_labels)}, with DL4J's full
 * {@link Evaluation} (per-class precision, recall, F1 and the confusion matrix) behind it.
 *
 * @param predictions the predicted digit of every test image, in file order
 */
public record TestResult(double loss, double accuracy, int examples, Evaluation evaluation, int[] predictions) {
    /** {@code test_acc} printed by the tutorial. */
    public static final double TUTORIAL_ACCURACY = 0.9801;

    /** Percentage points above (positive) or below the tutorial. */
    public double differenceFromTutorialPoints() {
        return (accuracy - TUTORIAL_ACCURACY) * 100;
    }

    /** A per-class table: precision, recall, F1 and support of each digit. */
    public String perClassTable() {
        StringBuilder sb = new StringBuilder("digit  precision  recall  f1-score  support\n");
        for (int d = 0; d < 10; d++) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%5d  %9.4f  %6.4f  %8.4f  %7d%n",
                    d,
                    evaluation.precision(d),
                    evaluation.recall(d),
                    evaluation.f1(d),
                    evaluation.getConfusion().getActualTotal(d)));
        }
        return sb.toString();
    }

    /** confusion[actual][predicted]. */
    public int[][] confusion() {
        int[][] m = new int[10][10];
        for (int a = 0; a < 10; a++) {
            for (int p = 0; p < 10; p++) {
                m[a][p] = evaluation.getConfusion().getCount(a, p);
            }
        }
        return m;
    }

    /** {@code test_acc: 0.9813   tutorial: 0.9801   difference: +0.12 points}. */
    public String comparisonLine() {
        return comparisonLine(accuracy);
    }

    /** {@link #comparisonLine()} for an accuracy from elsewhere (e.g. a training run's test score). */
    public static String comparisonLine(double accuracy) {
        return String.format(
                Locale.ROOT,
                "test_acc: %.4f   tutorial: %.4f   difference: %+.2f points",
                accuracy,
                TUTORIAL_ACCURACY,
                (accuracy - TUTORIAL_ACCURACY) * 100);
    }
}
