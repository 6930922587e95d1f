package dev.kerasmnist.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.math3.stat.StatUtils;

/**
 * A sweep's results, one row per setting (its seeds together), best first by mean validation accuracy (then by
 * lower mean validation loss).
 */
public record SweepTable(List<Setting> settings, List<Row> rows) {
    /**
     * The trials of one setting.
     *
     * @param valAccuracyStd the sample standard deviation over the seeds (0 for one seed)
     */
    public record Row(
            List<Trial.Value> values,
            List<TrialResult> trials,
            double valAccuracyMean,
            double valAccuracyStd,
            double valLossMean,
            double valLossStd,
            double testAccuracyMean,
            double secondsMean) {
        /** Its best seed: the highest validation accuracy, then the lowest validation loss. */
        public TrialResult best() {
            return trials.stream()
                    .max(Comparator.comparingDouble(TrialResult::valAccuracy)
                            .thenComparing(Comparator.comparingDouble(TrialResult::valLoss)
                                    .reversed()))
                    .orElseThrow();
        }

        public String value(Setting setting) {
            return values.stream()
                    .filter(v -> v.setting() == setting)
                    .map(Trial.Value::value)
                    .findFirst()
                    .orElse("");
        }
    }

    public static SweepTable of(List<TrialResult> results) {
        Map<List<Trial.Value>, List<TrialResult>> bySetting = new LinkedHashMap<>();
        Set<Setting> used = EnumSet.noneOf(Setting.class);
        for (TrialResult r : results) {
            bySetting
                    .computeIfAbsent(r.trial().values(), k -> new ArrayList<>())
                    .add(r);
            r.trial().values().forEach(v -> used.add(v.setting()));
        }
        List<Row> rows = new ArrayList<>();
        bySetting.forEach((values, trials) -> {
            double[] acc = trials.stream().mapToDouble(TrialResult::valAccuracy).toArray();
            double[] loss = trials.stream().mapToDouble(TrialResult::valLoss).toArray();
            rows.add(new Row(
                    values,
                    List.copyOf(trials),
                    mean(acc),
                    std(acc),
                    mean(loss),
                    std(loss),
                    trials.stream()
                            .mapToDouble(TrialResult::testAccuracy)
                            .average()
                            .orElseThrow(),
                    trials.stream().mapToDouble(TrialResult::seconds).average().orElseThrow()));
        });
        rows.sort(Comparator.comparingDouble(Row::valAccuracyMean).reversed().thenComparingDouble(Row::valLossMean));
        return new SweepTable(List.copyOf(used), List.copyOf(rows));
    }

    public Row best() {
        return rows.get(0);
    }

    /** The table as printed. */
    public String render() {
        List<String> header = new ArrayList<>(List.of("rank"));
        settings.forEach(s -> header.add(s.cliName()));
        header.addAll(List.of("seeds", "val_accuracy", "val_loss", "test_accuracy", "seconds"));
        List<List<String>> lines = new ArrayList<>(List.of(header));
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            List<String> line = new ArrayList<>(List.of(Integer.toString(i + 1)));
            settings.forEach(s -> line.add(r.value(s)));
            line.add(Integer.toString(r.trials().size()));
            line.add(String.format(Locale.ROOT, "%.4f ± %.4f", r.valAccuracyMean(), r.valAccuracyStd()));
            line.add(String.format(Locale.ROOT, "%.4f", r.valLossMean()));
            line.add(String.format(Locale.ROOT, "%.4f", r.testAccuracyMean()));
            line.add(String.format(Locale.ROOT, "%.1f", r.secondsMean()));
            lines.add(line);
        }
        int[] width = new int[header.size()];
        lines.forEach(l -> {
            for (int c = 0; c < l.size(); c++) {
                width[c] = Math.max(width[c], l.get(c).length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (List<String> l : lines) {
            List<String> cells = new ArrayList<>();
            for (int c = 0; c < l.size(); c++) {
                cells.add(String.format("%-" + width[c] + "s", l.get(c)));
            }
            out.append(String.join("  ", cells).stripTrailing()).append(System.lineSeparator());
        }
        return out.toString();
    }

    /** The table as CSV, best first, with mean and spread over the seeds. */
    public String csv() {
        List<String> header = new ArrayList<>(List.of("rank"));
        settings.forEach(s -> header.add(s.cliName()));
        header.addAll(List.of(
                "seeds",
                "val_accuracy_mean",
                "val_accuracy_std",
                "val_loss_mean",
                "val_loss_std",
                "test_accuracy_mean",
                "seconds_mean"));
        StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            List<String> line = new ArrayList<>(List.of(Integer.toString(i + 1)));
            settings.forEach(s -> line.add(r.value(s)));
            line.add(r.trials().stream()
                    .map(t -> Long.toString(t.trial().seed()))
                    .collect(Collectors.joining(" ")));
            for (double x : new double[] {
                r.valAccuracyMean(), r.valAccuracyStd(), r.valLossMean(), r.valLossStd(), r.testAccuracyMean()
            }) {
                line.add(String.format(Locale.ROOT, "%.6f", x));
            }
            line.add(String.format(Locale.ROOT, "%.2f", r.secondsMean()));
            out.append(String.join(",", line)).append('\n');
        }
        return out.toString();
    }

    private static double mean(double[] x) {
        return StatUtils.mean(x);
    }

    /** The sample standard deviation (n - 1), 0 for one value. */
    private static double std(double[] x) {
        return x.length < 2 ? 0 : Math.sqrt(StatUtils.variance(x));
    }
}
