package dev.kerasmnist.sweep;

import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.training.Recipe;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One training of a sweep: a recipe with some settings changed, a seed, and the data it sees. Everything that
 * determines its result is in its {@link #key()}, so a sweep run again finds it done.
 *
 * @param values          the settings changed, in {@link Setting} order, each value canonical
 * @param seed            seeds the weights and the shuffling, as {@code train --seed}
 * @param validationSplit Keras's {@code validation_split}: trials are scored on this held-out fraction
 * @param limit           the first training images only; empty: all of them
 */
public record Trial(Recipe recipe, List<Value> values, long seed, double validationSplit, Optional<Integer> limit)
        implements Serializable {
    /** One setting's value. */
    public record Value(Setting setting, String value) implements Serializable {
        public Value {
            value = setting.canonical(value);
        }

        @Override
        public String toString() {
            return setting.cliName() + "=" + value;
        }
    }

    public Trial {
        values = values.stream().sorted(Comparator.comparing(Value::setting)).toList();
        if (values.stream().map(Value::setting).distinct().count() != values.size()) {
            throw new IllegalArgumentException("a setting is given twice in " + values);
        }
        if (!(validationSplit > 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("validation split must be in (0, 1), got " + validationSplit);
        }
        // refuses settings the recipe cannot take (the fields are not set yet: a compact constructor's arguments)
        model(recipe, values, seed);
        fit(recipe, values, seed, validationSplit, limit);
    }

    /** Java serialisation (a Spark task) of a record with an {@link Optional}, which is not serialisable. */
    private Object writeReplace() {
        return new Serialized(recipe, values, seed, validationSplit, limit.orElse(null));
    }

    private record Serialized(Recipe recipe, List<Value> values, long seed, double validationSplit, Integer limit)
            implements Serializable {
        private Object readResolve() {
            return new Trial(recipe, values, seed, validationSplit, Optional.ofNullable(limit));
        }
    }

    /** The recipe's model with the settings. */
    public ModelSpec model() {
        return model(recipe, values, seed);
    }

    /** The recipe's fit with the settings, the validation split and the limit. */
    public FitSpec fit() {
        return fit(recipe, values, seed, validationSplit, limit);
    }

    private static ModelSpec model(Recipe recipe, List<Value> values, long seed) {
        ModelSpec model = recipe.model(seed);
        for (Value v : values) {
            model = v.setting().applyTo(model, v.value());
        }
        return model;
    }

    private static FitSpec fit(
            Recipe recipe, List<Value> values, long seed, double validationSplit, Optional<Integer> limit) {
        FitSpec fit = recipe.fit(seed).validationSplit(validationSplit);
        fit = limit.map(fit::limit).orElse(fit);
        for (Value v : values) {
            fit = v.setting().applyTo(fit, v.value());
        }
        return fit;
    }

    /** The settings without the seed: trials that differ only in their seeds are one row of the table. */
    public String settings() {
        return values.isEmpty()
                ? "(the recipe's)"
                : values.stream().map(Value::toString).collect(Collectors.joining(" "));
    }

    public Optional<String> value(Setting setting) {
        return values.stream()
                .filter(v -> v.setting() == setting)
                .map(Value::value)
                .findFirst();
    }

    /** All that determines the result: {@code recipe=tutorial validation-split=0.1 learning-rate=0.001 seed=1}. */
    public String key() {
        List<String> parts = new ArrayList<>(
                List.of("recipe=" + recipe.cliName(), "validation-split=" + Setting.plain(validationSplit)));
        limit.ifPresent(n -> parts.add("limit=" + n));
        values.forEach(v -> parts.add(v.toString()));
        parts.add("seed=" + seed);
        return String.join(" ", parts);
    }

    /** A file name for the key: its SHA-256, shortened. */
    public String id() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
