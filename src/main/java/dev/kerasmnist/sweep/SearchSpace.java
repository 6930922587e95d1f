package dev.kerasmnist.sweep;

import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.failures.SettingException;
import dev.kerasmnist.training.Recipe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * The settings a sweep tries, as typed: {@code 'learning-rate=0.001,0.0005 batch-size=64,128'}. A grid takes every
 * combination; random search ({@link #sample}) draws settings, where {@code name=low..high} is a range (log-uniform
 * for learning rate and batch size, uniform otherwise) and a list is a choice. Each is run once per seed.
 */
public final class SearchSpace {
    private final Map<Setting, List<String>> lists = new LinkedHashMap<>();
    private final Map<Setting, double[]> ranges = new LinkedHashMap<>();

    private SearchSpace() {}

    /** Parses {@code name=v1,v2 name=low..high ...}; an empty text is the recipe alone. */
    public static SearchSpace parse(String text) {
        SearchSpace space = new SearchSpace();
        for (String part : text.trim().split("\\s+")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq < 1 || eq == part.length() - 1) {
                throw new IllegalArgumentException("'" + part + "' is not name=values (e.g. learning-rate=0.001,0.0005"
                        + " or learning-rate=0.0001..0.01)");
            }
            Setting setting = Setting.of(part.substring(0, eq));
            if (space.lists.containsKey(setting) || space.ranges.containsKey(setting)) {
                throw new IllegalArgumentException(setting.cliName() + " is given twice");
            }
            String values = part.substring(eq + 1);
            int dots = values.indexOf("..");
            if (dots >= 0) {
                setting.requireRange();
                double low = Double.parseDouble(setting.canonical(values.substring(0, dots)));
                double high = Double.parseDouble(setting.canonical(values.substring(dots + 2)));
                if (!(low < high)) {
                    throw new IllegalArgumentException("'" + part + "': a range is low..high of numbers, low < high");
                }
                space.ranges.put(setting, new double[] {low, high});
            } else {
                LinkedHashSet<String> distinct = new LinkedHashSet<>();
                for (String v : values.split(",")) {
                    distinct.add(setting.canonical(v));
                }
                space.lists.put(setting, List.copyOf(distinct));
            }
        }
        return space;
    }

    /** Every combination of the listed values, each with every seed (seeds innermost). */
    public List<Trial> grid(Recipe recipe, List<Long> seeds, double validationSplit, Optional<Integer> limit) {
        if (!ranges.isEmpty()) {
            throw new SettingException(
                    "a range (" + ranges.keySet().iterator().next().cliName() + "=low..high) is sampled, not listed",
                    List.of(new Remedy.SampleCount()));
        }
        List<List<Trial.Value>> combos = new ArrayList<>(List.of(List.of()));
        for (Map.Entry<Setting, List<String>> e : lists.entrySet()) {
            List<List<Trial.Value>> next = new ArrayList<>();
            for (List<Trial.Value> combo : combos) {
                for (String v : e.getValue()) {
                    List<Trial.Value> longer = new ArrayList<>(combo);
                    longer.add(new Trial.Value(e.getKey(), v));
                    next.add(longer);
                }
            }
            combos = next;
        }
        return withSeeds(recipe, combos, seeds, validationSplit, limit);
    }

    /**
     * {@code count} settings drawn at random, seeded by {@code sampleSeed} so that the same command draws the same
     * trials (and a sweep run again finds them done).
     */
    public List<Trial> sample(
            int count,
            long sampleSeed,
            Recipe recipe,
            List<Long> seeds,
            double validationSplit,
            Optional<Integer> limit) {
        if (count < 1) {
            throw new IllegalArgumentException("the number of samples must be at least 1, got " + count);
        }
        Random random = new Random(sampleSeed);
        List<List<Trial.Value>> drawn = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Trial.Value> values = new ArrayList<>();
            for (Setting s : Setting.values()) {
                if (ranges.containsKey(s)) {
                    values.add(new Trial.Value(s, s.sample(ranges.get(s)[0], ranges.get(s)[1], random)));
                } else if (lists.containsKey(s)) {
                    List<String> choices = lists.get(s);
                    values.add(new Trial.Value(s, choices.get(random.nextInt(choices.size()))));
                }
            }
            if (!drawn.contains(values)) { // a repeated draw would only repeat a trial
                drawn.add(values);
            }
        }
        return withSeeds(recipe, drawn, seeds, validationSplit, limit);
    }

    private static List<Trial> withSeeds(
            Recipe recipe,
            List<List<Trial.Value>> combos,
            List<Long> seeds,
            double validationSplit,
            Optional<Integer> limit) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one seed");
        }
        List<Trial> trials = new ArrayList<>();
        for (List<Trial.Value> combo : combos) {
            for (long seed : new LinkedHashSet<>(seeds)) {
                trials.add(new Trial(recipe, combo, seed, validationSplit, limit));
            }
        }
        return trials;
    }
}
