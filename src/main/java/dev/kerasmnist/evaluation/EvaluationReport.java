package dev.kerasmnist.evaluation;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.files.AtomicFiles;
import dev.kerasmnist.plots.Charts;
import dev.kerasmnist.training.EpochStats;
import dev.kerasmnist.training.History;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;
import org.knowm.xchart.XYChart;

/**
 * The evaluation as pictures a person would rather look at than read, and an HTML page that shows them with the
 * numbers: the confusion matrix as a heat map, the misclassified test digits, and the training curves.
 */
public final class EvaluationReport {
    public static final String CONFUSION_PNG = "confusion-matrix.png";
    public static final String MISCLASSIFIED_PNG = "misclassified.png";
    public static final String LOSS_PNG = "training-loss.png";
    public static final String ACCURACY_PNG = "training-accuracy.png";
    public static final String INDEX_HTML = "index.html";
    /** Heat map side and curve chart size, in pixels. */
    public static final int HEATMAP_SIZE = 640;

    public static final int CURVE_WIDTH = 640;
    public static final int CURVE_HEIGHT = 400;
    /** Misclassified grid: up to this many digits, 10 per row, each cell this big. */
    public static final int MAX_MISCLASSIFIED = 100;

    public static final int CELL_WIDTH = 84;
    public static final int CELL_HEIGHT = 122;

    private EvaluationReport() {}

    /** Writes the report into {@code dir}; returns the files written. */
    public static List<Path> write(Path dir, TestResult result, MnistSplit test, Optional<History> history)
            throws IOException {
        List<Path> files = new ArrayList<>();
        Path confusion = dir.resolve(CONFUSION_PNG);
        Charts.savePng(
                Charts.heatMap(
                        "Confusion matrix (rows: true digit, columns: predicted)",
                        "predicted",
                        "true",
                        result.confusion(),
                        HEATMAP_SIZE),
                confusion);
        files.add(confusion);

        Path grid = dir.resolve(MISCLASSIFIED_PNG);
        Charts.savePng(misclassifiedGrid(result, test), grid);
        files.add(grid);

        if (history.isPresent() && !history.get().epochs().isEmpty()) {
            String what = history.get().validated() ? "Training and validation " : "Training ";
            files.add(curve(dir.resolve(LOSS_PNG), what + "loss per epoch", "loss", history.get(), true));
            files.add(curve(dir.resolve(ACCURACY_PNG), what + "accuracy per epoch", "accuracy", history.get(), false));
        }

        Path index = dir.resolve(INDEX_HTML);
        String html = html(result, history, files);
        AtomicFiles.write(index, out -> out.write(html.getBytes(StandardCharsets.UTF_8)));
        files.add(index);
        return files;
    }

    private static Path curve(Path file, String title, String metric, History history, boolean loss)
            throws IOException {
        List<EpochStats> epochs = history.epochs();
        double[] x = epochs.stream().mapToDouble(EpochStats::epoch).toArray();
        double[] y = epochs.stream()
                .mapToDouble(loss ? EpochStats::loss : EpochStats::accuracy)
                .toArray();
        XYChart chart = Charts.lineChart(title, "epoch", metric, CURVE_WIDTH, CURVE_HEIGHT);
        Charts.addLine(chart, "training " + metric, x, y);
        if (history.validated()) { // beside it, as Keras users plot history.history['val_...']
            double[] v = epochs.stream()
                    .mapToDouble(loss ? EpochStats::valLoss : EpochStats::valAccuracy)
                    .toArray();
            Charts.addLine(chart, "validation " + metric, x, v);
        }
        Charts.savePng(chart, file);
        return file;
    }

    /** Up to 100 misclassified test digits, 10 per row, each captioned "true -> predicted". */
    static BufferedImage misclassifiedGrid(TestResult result, MnistSplit test) {
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < test.size() && wrong.size() < MAX_MISCLASSIFIED; i++) {
            if (result.predictions()[i] != test.label(i)) {
                wrong.add(i);
            }
        }
        return digitGrid(
                test,
                wrong,
                i -> "true " + test.label(i) + " \u2192 " + result.predictions()[i],
                i -> "#" + i,
                "no misclassified digits");
    }

    /** Test digits {@code indices}, 10 per row, each with {@code caption} in red and {@code detail} in grey. */
    static BufferedImage digitGrid(
            MnistSplit test,
            List<Integer> indices,
            IntFunction<String> caption,
            IntFunction<String> detail,
            String whenEmpty) {
        int cols = 10;
        int rows = Math.max(1, (indices.size() + cols - 1) / cols);
        BufferedImage image = new BufferedImage(cols * CELL_WIDTH, rows * CELL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int k = 0; k < indices.size(); k++) {
            int i = indices.get(k);
            float[] pixels = new float[MnistSplit.PIXELS];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = test.images().pixel(i, p) / 255f;
            }
            int x = (k % cols) * CELL_WIDTH;
            int y = (k / cols) * CELL_HEIGHT;
            g.drawImage(Charts.digitImage(pixels), x, y, CELL_WIDTH, CELL_WIDTH, null);
            g.setColor(new Color(170, 0, 0));
            g.drawString(caption.apply(i), x + 6, y + CELL_WIDTH + 15);
            g.setColor(Color.GRAY);
            g.drawString(detail.apply(i), x + 6, y + CELL_WIDTH + 31);
        }
        if (indices.isEmpty()) {
            g.setColor(Color.BLACK);
            g.drawString(whenEmpty, 10, 20);
        }
        g.dispose();
        return image;
    }

    private static String html(TestResult r, Optional<History> history, List<Path> images) {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>MNIST evaluation</title>\n")
                .append(
                        "<style>body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}img{max-width:100%}</style>")
                .append("</head><body>\n<h1>MNIST test evaluation</h1>\n");
        sb.append(String.format(
                Locale.ROOT,
                "<p>Test accuracy <b>%.2f%%</b> on %d images (tutorial: %.2f%%, "
                        + "difference %+.2f points); test loss %.4f.</p>\n",
                r.accuracy() * 100,
                r.examples(),
                TestResult.TUTORIAL_ACCURACY * 100,
                r.differenceFromTutorialPoints(),
                r.loss()));
        sb.append("<h2>Per class</h2>\n<table><tr><th>digit</th><th>precision</th><th>recall</th><th>F1</th>"
                + "<th>support</th></tr>\n");
        for (int d = 0; d < 10; d++) {
            sb.append(String.format(
                    Locale.ROOT,
                    "<tr><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%d</td></tr>\n",
                    d,
                    r.evaluation().precision(d),
                    r.evaluation().recall(d),
                    r.evaluation().f1(d),
                    r.evaluation().getConfusion().getActualTotal(d)));
        }
        sb.append("</table>\n<h2>Confusion matrix</h2>\n<img src=\"")
                .append(CONFUSION_PNG)
                .append("\" alt=\"confusion matrix heat map\">\n<table><tr><th>true \\ predicted</th>");
        for (int p = 0; p < 10; p++) {
            sb.append("<th>").append(p).append("</th>");
        }
        sb.append("</tr>\n");
        int[][] m = r.confusion();
        for (int a = 0; a < 10; a++) {
            sb.append("<tr><th>").append(a).append("</th>");
            for (int p = 0; p < 10; p++) {
                sb.append("<td>").append(m[a][p]).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n<h2>Misclassified test digits</h2>\n<p>Caption: true digit \u2192 predicted digit, then "
                        + "its index in the test set (the first ")
                .append(MAX_MISCLASSIFIED)
                .append(").</p>\n<img src=\"")
                .append(MISCLASSIFIED_PNG)
                .append("\" alt=\"misclassified digits\">\n");
        boolean curves =
                images.stream().anyMatch(p -> p.getFileName().toString().equals(LOSS_PNG));
        if (curves) {
            sb.append("<h2>Training curves</h2>\n<img src=\"")
                    .append(LOSS_PNG)
                    .append("\" alt=\"training loss\">\n")
                    .append("<img src=\"")
                    .append(ACCURACY_PNG)
                    .append("\" alt=\"training accuracy\">\n");
            sb.append("<table><tr><th>epoch</th><th>loss</th><th>accuracy</th><th>seconds</th></tr>\n");
            for (EpochStats e : history.orElseThrow().epochs()) {
                sb.append(String.format(
                        Locale.ROOT,
                        "<tr><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.1f</td></tr>\n",
                        e.epoch(),
                        e.loss(),
                        e.accuracy(),
                        e.seconds()));
            }
            sb.append("</table>\n");
        } else {
            sb.append("<p>No training history found next to the model: no training curves.</p>\n");
        }
        return sb.append("</body></html>\n").toString();
    }
}
