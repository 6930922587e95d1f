package dev.kerasmnist.sweep;

import dev.kerasmnist.plots.Charts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Validation accuracy against each setting the sweep varied, one panel per setting, the mean over the trials at
 * each value as a line. A grid's few values, and those that are not numbers (augment, rmsprop-epsilon), are
 * labelled categories with a dot per seed (its mean over the other settings), so the spread over seeds shows;
 * random search's many values lie on a numeric axis (log-scaled for learning rate and batch size), a dot per trial.
 * (XChart's own labels on a numeric axis with a label function never finished laying out some grids.)
 */
final class SweepPlot {
    private static final int WIDTH = 480;
    private static final int HEIGHT = 400;
    private static final int MAX_CATEGORIES = 8;

    private SweepPlot() {}

    static void save(SweepTable table, Path file) throws IOException {
        List<Chart<?, ?>> panels = new ArrayList<>();
        List<TrialResult> all =
                table.rows().stream().flatMap(r -> r.trials().stream()).toList();
        for (Setting setting : table.settings()) {
            Function<TrialResult, String> value = r -> r.trial().value(setting).orElse("");
            List<String> values =
                    new ArrayList<>(new TreeSet<>(all.stream().map(value).toList()));
            if (values.size() < 2) {
                continue; // nothing to see against a setting that did not vary
            }
            if (setting.numeric()) {
                values.sort((a, b) -> Double.compare(Double.parseDouble(a), Double.parseDouble(b)));
            }
            panels.add(
                    setting.numeric() && values.size() > MAX_CATEGORIES
                            ? numeric(setting, values, all)
                            : categories(setting.cliName(), values, value, all));
        }
        if (panels.isEmpty()) { // only seeds varied
            panels.add(categories(
                    "seed",
                    all.stream()
                            .map(r -> Long.toString(r.trial().seed()))
                            .distinct()
                            .toList(),
                    r -> Long.toString(r.trial().seed()),
                    all));
        }
        Charts.savePngSideBySide(panels, file);
    }

    /** A dot per seed and value (a series per seed), the mean as a line. */
    private static CategoryChart categories(
            String name, List<String> values, Function<TrialResult, String> value, List<TrialResult> all) {
        CategoryChart chart = Charts.categoryChart("val_accuracy by " + name, name, "val_accuracy", WIDTH, HEIGHT);
        // a category chart's axis starts at 0, as for bars: zoom to the trials, which differ in tenths of a point
        double low = all.stream().mapToDouble(TrialResult::valAccuracy).min().orElseThrow();
        double high = all.stream().mapToDouble(TrialResult::valAccuracy).max().orElseThrow();
        double pad = Math.max((high - low) * 0.1, 0.001);
        chart.getStyler().setYAxisMin(low - pad);
        chart.getStyler().setYAxisMax(high + pad);
        for (long seed :
                all.stream().map(r -> r.trial().seed()).distinct().sorted().toList()) {
            List<Double> y = new ArrayList<>();
            for (String v : values) {
                y.add(all.stream()
                        .filter(r -> r.trial().seed() == seed && value.apply(r).equals(v))
                        .mapToDouble(TrialResult::valAccuracy)
                        .average()
                        .stream()
                        .boxed()
                        .findFirst()
                        .orElse(null));
            }
            chart.addSeries("seed " + seed, values, y)
                    .setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        }
        chart.addSeries("mean", values, means(values, value, all))
                .setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        return chart;
    }

    private static XYChart numeric(Setting setting, List<String> values, List<TrialResult> all) {
        XYChart chart = Charts.lineChart(
                "val_accuracy by " + setting.cliName(), setting.cliName(), "val_accuracy", WIDTH, HEIGHT);
        chart.getStyler().setXAxisLogarithmic(setting.logScale());
        Function<TrialResult, String> value = r -> r.trial().value(setting).orElse("");
        XYSeries trials = chart.addSeries(
                "trials",
                all.stream()
                        .mapToDouble(r -> Double.parseDouble(value.apply(r)))
                        .toArray(),
                all.stream().mapToDouble(TrialResult::valAccuracy).toArray());
        trials.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        trials.setMarker(SeriesMarkers.CIRCLE);
        Charts.addLine(
                chart,
                "mean",
                values.stream().mapToDouble(Double::parseDouble).toArray(),
                means(values, value, all).stream()
                        .mapToDouble(Double::doubleValue)
                        .toArray());
        return chart;
    }

    private static List<Double> means(List<String> values, Function<TrialResult, String> value, List<TrialResult> all) {
        return values.stream()
                .map(v -> all.stream()
                        .filter(r -> value.apply(r).equals(v))
                        .mapToDouble(TrialResult::valAccuracy)
                        .average()
                        .orElseThrow())
                .toList();
    }
}
