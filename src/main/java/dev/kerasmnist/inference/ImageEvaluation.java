package dev.kerasmnist.inference;

import dev.kerasmnist.data.MnistSplit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * A model scored on the user's own labelled pictures ({@link LabelledImages}), each through exactly what
 * {@link DigitClassifier#predict(java.nio.file.Path)} does, so that every answer counted here is the one
 * {@code predict} gives for that file. DL4J's {@link Evaluation} keeps the counts.
 *
 * <pre>{@code
 * ImageEvaluation result = ImageEvaluation.run(DigitClassifier.load(model),
 *         LabelledImages.read(Path.of("samples/digits"), Optional.empty()));
 * double accuracy = result.accuracy();
 * }</pre>
 *
 * @param images      the pictures and their labels
 * @param predictions the predicted digit of each picture, in the order of {@code images.images()}
 * @param evaluation  DL4J's evaluation of them: accuracy, per-class recall, the confusion matrix
 */
public record ImageEvaluation(LabelledImages images, List<Integer> predictions, Evaluation evaluation) {
    public ImageEvaluation {
        predictions = List.copyOf(predictions);
    }

    /** One kind of mistake: {@code count} pictures of {@code actual} taken for {@code predicted}. */
    public record Confusion(int actual, int predicted, int count) {}

    /**
     * Predicts every picture and counts the answers.
     *
     * @throws ImageLoadException naming the first picture that cannot be read: a score over fewer pictures than
     *                            the user gave would mislead, and Keras's loader stops at an undecodable file too
     */
    public static ImageEvaluation run(DigitClassifier classifier, LabelledImages images) throws ImageLoadException {
        Evaluation evaluation = new Evaluation(MnistSplit.CLASSES);
        List<Integer> predictions = new ArrayList<>();
        for (LabelledImages.Image image : images.images()) {
            // one at a time, as predict does: a batched forward pass may round differently and flip a close call
            int predicted = classifier.predict(image.file()).digit();
            predictions.add(predicted);
            evaluation.eval(predicted, image.label());
        }
        return new ImageEvaluation(images, predictions, evaluation);
    }

    /** The number of pictures scored. */
    public int count() {
        return predictions.size();
    }

    /** The number predicted right. */
    public int correct() {
        int correct = 0;
        for (int i = 0; i < predictions.size(); i++) {
            correct += predictions.get(i) == images.images().get(i).label() ? 1 : 0;
        }
        return correct;
    }

    /** The fraction predicted right. */
    public double accuracy() {
        return evaluation.accuracy();
    }

    /** Each digit among the labels, in order, with its recall: the fraction of its pictures predicted right. */
    public Map<Integer, Double> recallByDigit() {
        Map<Integer, Double> recall = new LinkedHashMap<>();
        for (int d = 0; d < MnistSplit.CLASSES; d++) {
            if (support(d) > 0) {
                recall.put(d, evaluation.recall(d));
            }
        }
        return recall;
    }

    /** The number of pictures labelled {@code digit}. */
    public int support(int digit) {
        return evaluation.getConfusion().getActualTotal(digit);
    }

    /** The {@code k} most frequent mistakes, most frequent first (ties: by true digit, then predicted). */
    public List<Confusion> topConfusions(int k) {
        List<Confusion> all = new ArrayList<>();
        for (int a = 0; a < MnistSplit.CLASSES; a++) {
            for (int p = 0; p < MnistSplit.CLASSES; p++) {
                int count = evaluation.getConfusion().getCount(a, p);
                if (a != p && count > 0) {
                    all.add(new Confusion(a, p, count));
                }
            }
        }
        all.sort(Comparator.comparingInt(Confusion::count)
                .reversed()
                .thenComparingInt(Confusion::actual)
                .thenComparingInt(Confusion::predicted));
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }

    /** The pictures predicted wrong, in order. */
    public List<LabelledImages.Image> mistakes() {
        List<LabelledImages.Image> wrong = new ArrayList<>();
        for (int i = 0; i < predictions.size(); i++) {
            if (predictions.get(i) != images.images().get(i).label()) {
                wrong.add(images.images().get(i));
            }
        }
        return wrong;
    }
}
