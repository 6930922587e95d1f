package dev.kerasmnist.sweep;

import dev.kerasmnist.data.Augmentation;
import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * What a sweep may vary, named as {@code train}'s options. Each parses and canonicalises its values (so
 * {@code 1e-3} and {@code 0.0010} are the same trial), applies one to a recipe's model or fit, and draws one from a
 * range for random search.
 */
public enum Setting {
    /** RMSprop's {@code learning_rate}; sampled log-uniformly. */
    LEARNING_RATE("learning-rate", Kind.REAL),
    /** {@code fit(batch_size)}; sampled log-uniformly, as a whole number. */
    BATCH_SIZE("batch-size", Kind.WHOLE),
    /** {@code fit(epochs)}; sampled uniformly. */
    EPOCHS("epochs", Kind.WHOLE),
    /** {@code Dropout(rate)} after every hidden Dense layer, 0 for none; sampled uniformly. */
    DROPOUT("dropout", Kind.REAL),
    /** Random distortions of the training images, true or false. */
    AUGMENT("augment", Kind.CHOICE),
    /** Where RMSprop adds epsilon: OUTSIDE_SQRT (Keras 2.0-2.10) or INSIDE_SQRT (Keras 2.11+, 3). */
    RMSPROP_EPSILON("rmsprop-epsilon", Kind.CHOICE);

    private enum Kind {
        REAL,
        WHOLE,
        CHOICE
    }

    private final String cliName;
    private final Kind kind;

    Setting(String cliName, Kind kind) {
        this.cliName = cliName;
        this.kind = kind;
    }

    public String cliName() {
        return cliName;
    }

    public static Setting of(String name) {
        for (Setting s : values()) {
            if (s.cliName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown setting '" + name + "'; a sweep varies "
                + String.join(
                        ", ", Arrays.stream(values()).map(Setting::cliName).toList()));
    }

    /** Whether values are numbers, so a range {@code lo..hi} can be sampled and a plot has a numeric axis. */
    public boolean numeric() {
        return kind != Kind.CHOICE;
    }

    /** Sampled on a log scale (learning rates and batch sizes span orders of magnitude). */
    public boolean logScale() {
        return this == LEARNING_RATE || this == BATCH_SIZE;
    }

    /** The value's one spelling ({@code 1e-3} -> {@code 0.001}), refusing what this setting cannot take. */
    public String canonical(String value) {
        String v = value.trim();
        try {
            return switch (this) {
                case LEARNING_RATE -> plain(positive(Double.parseDouble(v)));
                case DROPOUT -> {
                    double rate = Double.parseDouble(v);
                    if (!(rate >= 0 && rate < 1)) {
                        throw new IllegalArgumentException("dropout must be in [0, 1), got " + value);
                    }
                    yield plain(rate);
                }
                case BATCH_SIZE, EPOCHS -> {
                    int n = Integer.parseInt(v);
                    if (n < 1) {
                        throw new IllegalArgumentException(cliName + " must be at least 1, got " + value);
                    }
                    yield Integer.toString(n);
                }
                case AUGMENT ->
                    switch (v.toLowerCase(Locale.ROOT)) {
                        case "true" -> "true";
                        case "false" -> "false";
                        default -> throw new IllegalArgumentException("augment is true or false, not '" + value + "'");
                    };
                case RMSPROP_EPSILON ->
                    EpsilonPlacement.valueOf(v.toUpperCase(Locale.ROOT)).name();
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    cliName + " takes " + (kind == Kind.WHOLE ? "whole numbers" : "numbers") + ", not '" + value + "'");
        } catch (IllegalArgumentException e) {
            if (this == RMSPROP_EPSILON && !e.getMessage().startsWith(cliName)) {
                throw new IllegalArgumentException(
                        "rmsprop-epsilon is OUTSIDE_SQRT or INSIDE_SQRT, not '" + value + "'");
            }
            throw e;
        }
    }

    /** Refuses a range {@code low..high} of a setting whose values are not numbers. */
    public void requireRange() {
        if (!numeric()) {
            throw new IllegalArgumentException(cliName + " has no range: list its values (e.g. " + cliName + "="
                    + (this == AUGMENT ? "true,false" : "OUTSIDE_SQRT,INSIDE_SQRT") + ")");
        }
    }

    /** A value drawn from {@code [low, high]}, canonical and rounded to 3 significant digits (readable keys). */
    public String sample(double low, double high, Random random) {
        requireRange();
        double u = random.nextDouble();
        double x = logScale() ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low);
        return kind == Kind.WHOLE
                ? canonical(Long.toString(Math.round(x)))
                : canonical(new BigDecimal(x).round(new MathContext(3)).toPlainString());
    }

    /** The recipe's model with this setting's value. */
    public ModelSpec applyTo(ModelSpec model, String value) {
        return switch (this) {
            case LEARNING_RATE -> model.withOptimizer(model.optimizer().withLearningRate(Double.parseDouble(value)));
            case RMSPROP_EPSILON ->
                model.withOptimizer(model.optimizer().withEpsilonPlacement(EpsilonPlacement.valueOf(value)));
            case DROPOUT -> model.withDropout(Double.parseDouble(value));
            default -> model;
        };
    }

    /** The recipe's fit with this setting's value. */
    public FitSpec applyTo(FitSpec fit, String value) {
        return switch (this) {
            case BATCH_SIZE -> fit.batchSize(Integer.parseInt(value));
            case EPOCHS -> fit.epochs(Integer.parseInt(value));
            case AUGMENT ->
                Boolean.parseBoolean(value) ? fit.augmentation(Augmentation.MNIST_DEFAULT) : fit.noAugmentation();
            default -> fit;
        };
    }

    private double positive(double x) {
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new IllegalArgumentException(cliName + " must be a positive number, got " + x);
        }
        return x;
    }

    /** A number's one spelling: {@code 0.1}, not {@code 0.10} or {@code 1.0E-1}. */
    static String plain(double x) {
        String s = BigDecimal.valueOf(x).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }
}
