package dev.kerasmnist.sweep;

import dev.kerasmnist.plots.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Validation accuracy against each setting the sweep varied, one panel per setting: every trial as a dot, the
 * mean over the trials at each value as a line. A grid's values, and those that are not numbers (augment,
 * rmsprop-epsilon), sit at evenly spaced positions, labelled; random search's many on a numeric axis (log-scaled
 * for learning rate and batch size).
 */
final class SweepPlot {
    private static final int WIDTH = 480;
    private static final int HEIGHT = 400;
    private static final int MAX_LABELLED = 8;

    private SweepPlot() {
    }

    static void save(SweepTable table, Path file) throws IOException {
        List<XYChart> panels = new ArrayList<>();
        List<TrialResult> all = table.rows().stream().flatMap(r -> r.trials().stream()).toList();
        for (Setting setting : table.settings()) {
            List<String> values = new ArrayList<>(new TreeSet<>(all.stream()
                    .map(r -> r.trial().value(setting).orElse("")).toList()));
            if (values.size() < 2) {
                continue; // nothing to see against a setting that did not vary
            }
            if (setting.numeric()) {
                values.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
            }
            panels.add(panel(setting, values, all));
        }
        if (panels.isEmpty()) { // only seeds varied
            panels.add(panel(null, all.stream().map(r -> Long.toString(r.trial().seed())).distinct().toList(), all));
        }
        Charts.savePngSideBySide(panels, file);
    }

    private static XYChart panel(Setting setting, List<String> values, List<TrialResult> all) {
        String name = setting == null ? "seed" : setting.cliName();
        XYChart chart = Charts.lineChart("val_accuracy by " + name, name, "val_accuracy", WIDTH, HEIGHT);
        // A few values (a grid) sit evenly spaced and labelled; many (random search) on a numeric axis.
        boolean numeric = setting != null && setting.numeric() && values.size() > MAX_LABELLED;
        if (numeric && setting.logScale()) {
            chart.getStyler().setXAxisLogarithmic(true);
        }
        if (!numeric) {
            chart.getStyler().setxAxisTickLabelsFormattingFunction(x -> {
                int i = (int) Math.round(x);
                return Math.abs(x - i) < 1e-9 && i >= 0 && i < values.size() ? values.get(i) : "";
            });
        }
        double[] x = new double[all.size()];
        double[] y = new double[all.size()];
        double[] meanX = new double[values.size()];
        double[] meanY = new double[values.size()];
        int[] count = new int[values.size()];
        for (int i = 0; i < all.size(); i++) {
            TrialResult r = all.get(i);
            String v = setting == null ? Long.toString(r.trial().seed()) : r.trial().value(setting).orElse("");
            int at = values.indexOf(v);
            x[i] = numeric ? Double.parseDouble(v) : at;
            y[i] = r.valAccuracy();
            meanY[at] += r.valAccuracy();
            count[at]++;
        }
        for (int i = 0; i < values.size(); i++) {
            meanX[i] = numeric ? Double.parseDouble(values.get(i)) : i;
            meanY[i] /= count[i];
        }
        XYSeries trials = chart.addSeries("trials", x, y);
        trials.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        trials.setMarker(SeriesMarkers.CIRCLE);
        Charts.addLine(chart, "mean", meanX, meanY);
        return chart;
    }
}
