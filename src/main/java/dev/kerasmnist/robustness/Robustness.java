package dev.kerasmnist.robustness;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.MnistPreprocessor;
import dev.kerasmnist.inference.Prediction;
import dev.kerasmnist.plots.Charts;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The robustness suite: MNIST's test digits turned into the pictures real users send ({@link Distortion}), then
 * through the preprocessing {@code predict} applies, then through each model. The distortions of image n are the same
 * whatever the limit or model, drawn from (seed, distortion, n).
 */
public final class Robustness {
    public static final long SEED = 2024;
    private static final int BATCH = 1000;

    private Robustness() {}

    /**
     * Accuracy per distortion (rows) and model (columns).
     *
     * @param models  column name to classifier, in column order
     * @param images  how many test digits each distortion saw
     */
    public record Result(
            List<String> models, Map<Distortion, double[]> accuracy, int images, Set<MnistPreprocessor.Step> options) {
        /** A plain-text (Markdown) table, one row per distortion, accuracies in percent. */
        public String table() {
            StringBuilder sb = new StringBuilder("| picture |");
            models.forEach(m -> sb.append(' ').append(m).append(" |"));
            sb.append("\n|---|").append("---|".repeat(models.size())).append('\n');
            accuracy.forEach((d, acc) -> {
                sb.append("| ").append(d.label()).append(" |");
                for (double a : acc) {
                    sb.append(String.format(Locale.ROOT, " %.2f%% |", a * 100));
                }
                sb.append('\n');
            });
            return sb.toString();
        }
    }

    /** The preprocessed inputs of every distortion for the first {@code limit} test digits. */
    public static Map<Distortion, List<float[]>> inputs(
            MnistSplit test, int limit, Set<MnistPreprocessor.Step> options) {
        Map<Distortion, List<float[]>> inputs = new EnumMap<>(Distortion.class);
        int n = Math.min(limit, test.size());
        for (Distortion d : Distortion.values()) {
            List<float[]> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(MnistPreprocessor.toMnist(d.apply(test, i, random(d, i)), options));
            }
            inputs.put(d, list);
        }
        return inputs;
    }

    /** Scores each model on the same preprocessed inputs. */
    public static Result score(
            Map<String, DigitClassifier> models,
            MnistSplit test,
            Map<Distortion, List<float[]>> inputs,
            Set<MnistPreprocessor.Step> options) {
        Map<Distortion, double[]> accuracy = new LinkedHashMap<>();
        int images = inputs.values().iterator().next().size();
        inputs.forEach((d, list) -> {
            double[] row = new double[models.size()];
            int column = 0;
            for (DigitClassifier model : models.values()) {
                int correct = 0;
                for (int from = 0; from < list.size(); from += BATCH) {
                    List<Prediction> predictions =
                            model.predict(list.subList(from, Math.min(list.size(), from + BATCH)));
                    for (int i = 0; i < predictions.size(); i++) {
                        correct += predictions.get(i).digit() == test.label(from + i) ? 1 : 0;
                    }
                }
                row[column++] = (double) correct / list.size();
            }
            accuracy.put(d, row);
        });
        return new Result(List.copyOf(models.keySet()), accuracy, images, options);
    }

    /** {@link #inputs} then {@link #score}. */
    public static Result run(
            Map<String, DigitClassifier> models, MnistSplit test, int limit, Set<MnistPreprocessor.Step> options) {
        return score(models, test, inputs(test, limit, options), options);
    }

    private static SplittableRandom random(Distortion d, int n) {
        return new SplittableRandom(SEED * 1_000_003L + d.ordinal() * 65_537L + n);
    }

    /**
     * A picture of the suite: per distortion, the pictures made from the first {@code count} test digits (as a user
     * would send them) and below each the 28x28 the model sees after preprocessing.
     */
    public static BufferedImage examples(MnistSplit test, int count, Set<MnistPreprocessor.Step> options) {
        int cell = 64;
        int label = 200;
        Distortion[] all = Distortion.values();
        BufferedImage sheet =
                new BufferedImage(label + count * (cell + 6), all.length * (2 * cell + 12), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int r = 0; r < all.length; r++) {
            int top = r * (2 * cell + 12) + 4;
            g.setColor(Color.DARK_GRAY);
            g.drawString(all[r].label(), 6, top + cell / 2);
            g.drawString("model's input:", 6, top + cell + 4 + cell / 2);
            for (int i = 0; i < count; i++) {
                BufferedImage picture = all[r].apply(test, i, random(all[r], i));
                int left = label + i * (cell + 6);
                g.drawImage(picture, left, top, cell, cell, null);
                g.drawImage(
                        Charts.digitImage(MnistPreprocessor.toMnist(picture, options)),
                        left,
                        top + cell + 4,
                        cell,
                        cell,
                        null);
            }
        }
        g.dispose();
        return sheet;
    }
}
