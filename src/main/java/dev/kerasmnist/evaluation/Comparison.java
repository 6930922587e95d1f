package dev.kerasmnist.evaluation;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.plots.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Two models on the same test images, side by side: accuracy and loss against the tutorial's 98.01%, per-class F1,
 * how often they agree, and the images on which exactly one of them is right.
 *
 * @param onlyA test images model A gets right and model B wrong; {@code onlyB} the other way round
 */
public record Comparison(
        String nameA,
        TestResult a,
        String nameB,
        TestResult b,
        double agreement,
        List<Integer> onlyA,
        List<Integer> onlyB) {
    /** Most images drawn in the grid. */
    public static final int MAX_SHOWN = 100;

    public static Comparison of(String nameA, TestResult a, String nameB, TestResult b, MnistSplit test) {
        int same = 0;
        List<Integer> onlyA = new ArrayList<>();
        List<Integer> onlyB = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            int pa = a.predictions()[i];
            int pb = b.predictions()[i];
            same += pa == pb ? 1 : 0;
            boolean rightA = pa == test.label(i);
            boolean rightB = pb == test.label(i);
            if (rightA && !rightB) {
                onlyA.add(i);
            } else if (rightB && !rightA) {
                onlyB.add(i);
            }
        }
        return new Comparison(nameA, a, nameB, b, (double) same / test.size(), List.copyOf(onlyA), List.copyOf(onlyB));
    }

    /** The side-by-side table, as printed by {@code compare}. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-14s %22s %22s%n", "", "A", "B"));
        sb.append(String.format(Locale.ROOT, "%-14s %22s %22s%n", "model", shorten(nameA), shorten(nameB)));
        sb.append(String.format(
                Locale.ROOT,
                "%-14s %21.2f%% %21.2f%%   (tutorial %.2f%%)%n",
                "test accuracy",
                100 * a.accuracy(),
                100 * b.accuracy(),
                100 * TestResult.TUTORIAL_ACCURACY));
        sb.append(String.format(
                Locale.ROOT,
                "%-14s %+21.2f  %+21.2f   points%n",
                "vs tutorial",
                a.differenceFromTutorialPoints(),
                b.differenceFromTutorialPoints()));
        sb.append(String.format(Locale.ROOT, "%-14s %22.4f %22.4f%n", "test loss", a.loss(), b.loss()));
        for (int d = 0; d < MnistSplit.CLASSES; d++) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-14s %22.4f %22.4f%n",
                    "F1 digit " + d,
                    a.evaluation().f1(d),
                    b.evaluation().f1(d)));
        }
        sb.append(String.format(
                Locale.ROOT,
                "agreement: %.2f%% of %d test images get the same digit from both%n",
                100 * agreement,
                a.examples()));
        sb.append(String.format(
                Locale.ROOT, "only A right: %d images; only B right: %d images%n", onlyA.size(), onlyB.size()));
        return sb.toString();
    }

    /**
     * A PNG of the images exactly one model gets right (up to 50 of A's, then B's), each captioned
     * "true digit: A's answer, B's answer" and its index in the test set.
     */
    public Path writeGrid(MnistSplit test, Path file) throws IOException {
        List<Integer> shown = new ArrayList<>(onlyA.subList(0, Math.min(onlyA.size(), MAX_SHOWN / 2)));
        shown.addAll(onlyB.subList(0, Math.min(onlyB.size(), MAX_SHOWN - shown.size())));
        Charts.savePng(
                EvaluationReport.digitGrid(
                        test,
                        shown,
                        i -> test.label(i) + ":  A " + a.predictions()[i] + "  B " + b.predictions()[i],
                        i -> "#" + i,
                        "the two models are right on the same images"),
                file);
        return file;
    }

    private static String shorten(String name) {
        return name.length() <= 22 ? name : "..." + name.substring(name.length() - 19);
    }
}
