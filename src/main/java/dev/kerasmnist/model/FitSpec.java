package dev.kerasmnist.model;

import dev.kerasmnist.data.Augmentation;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.failures.SettingException;
import java.util.List;
import java.util.Optional;

/**
 * Keras's {@code model.fit(x, y, epochs, batch_size, shuffle=True, validation_split, initial_epoch)} with the seed of
 * the shuffling, a limit on the training examples for quick runs, and the settings of the callbacks that shape every
 * epoch ({@code EarlyStopping}, a per-epoch {@code LearningRateScheduler}). It reads like the Keras call:
 * <pre>{@code
 * FitSpec fit = FitSpec.keras(seed).epochs(20).batchSize(64).validationSplit(0.1).earlyStopping(patience(3));
 * }</pre>
 * Every optional setting is an {@link Optional}: empty is the one way to say "none".
 *
 * @param epochs            Keras's {@code epochs}: the epoch to train up to
 * @param batchSize         Keras's {@code batch_size}
 * @param seed              seeds the shuffling (and the augmentation)
 * @param initialEpoch      Keras's {@code initial_epoch}: epochs already done, so training starts with the next one
 * @param limit             train on the first {@code limit} training examples only; empty: all of them
 * @param validationSplit   Keras's {@code validation_split}: the fraction held out from the end of the (limited)
 *                          training set, before shuffling, to give {@code val_loss} and {@code val_accuracy}
 * @param earlyStopping     Keras's {@code EarlyStopping(monitor='val_loss', patience, restore_best_weights=True)}
 * @param augmentation      random distortions of the training images, drawn afresh each epoch
 * @param learningRateDecay the learning rate is multiplied by this before every epoch after the first, as Keras's
 *                          {@code LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr * decay)}
 */
public record FitSpec(
        int epochs,
        int batchSize,
        long seed,
        int initialEpoch,
        Optional<Integer> limit,
        Optional<Double> validationSplit,
        Optional<EarlyStoppingSpec> earlyStopping,
        Optional<Augmentation> augmentation,
        Optional<Double> learningRateDecay) {
    /** Keras's own {@code fit} defaults: {@code epochs=1, batch_size=32}. */
    public static final int KERAS_EPOCHS = 1;

    public static final int KERAS_BATCH_SIZE = 32;
    /** The tutorial's {@code fit(epochs=5, batch_size=128)}. */
    public static final int TUTORIAL_EPOCHS = 5;

    public static final int TUTORIAL_BATCH_SIZE = 128;
    /** Our fixed default seed; the tutorial's run was not seeded. */
    public static final long DEFAULT_SEED = 1;

    public FitSpec {
        // JSON written without a setting reads as null: the same "none"
        limit = limit == null ? Optional.empty() : limit;
        validationSplit = validationSplit == null ? Optional.empty() : validationSplit;
        earlyStopping = earlyStopping == null ? Optional.empty() : earlyStopping;
        augmentation = augmentation == null ? Optional.empty() : augmentation;
        learningRateDecay = learningRateDecay == null ? Optional.empty() : learningRateDecay;
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (initialEpoch < 0 || initialEpoch > epochs) {
            throw new IllegalArgumentException("initial epoch must be in 0.." + epochs + ", got " + initialEpoch);
        }
        if (limit.isPresent() && limit.get() < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit.get());
        }
        if (validationSplit.isPresent() && !(validationSplit.get() > 0 && validationSplit.get() < 1)) {
            throw new IllegalArgumentException("validation split must be in (0, 1), got " + validationSplit.get());
        }
        if (learningRateDecay.isPresent() && !(learningRateDecay.get() > 0 && learningRateDecay.get() <= 1)) {
            throw new IllegalArgumentException("learning-rate decay must be in (0, 1], got " + learningRateDecay.get());
        }
        if (earlyStopping.isPresent() && validationSplit.isEmpty()) {
            throw new SettingException(
                    "early stopping watches val_loss, and there is no validation split",
                    List.of(new Remedy.ValidationSplit(0.1)));
        }
    }

    /** {@code model.fit(x, y)} with Keras's defaults (epochs=1, batch_size=32), shuffled by {@code seed}. */
    public static FitSpec keras(long seed) {
        return new FitSpec(
                KERAS_EPOCHS,
                KERAS_BATCH_SIZE,
                seed,
                0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /** The tutorial's {@code fit(epochs=5, batch_size=128)}. */
    public static FitSpec tutorial(long seed) {
        return keras(seed).epochs(TUTORIAL_EPOCHS).batchSize(TUTORIAL_BATCH_SIZE);
    }

    public FitSpec epochs(int newEpochs) {
        return new FitSpec(
                newEpochs,
                batchSize,
                seed,
                initialEpoch,
                limit,
                validationSplit,
                earlyStopping,
                augmentation,
                learningRateDecay);
    }

    public FitSpec batchSize(int newBatchSize) {
        return new FitSpec(
                epochs,
                newBatchSize,
                seed,
                initialEpoch,
                limit,
                validationSplit,
                earlyStopping,
                augmentation,
                learningRateDecay);
    }

    public FitSpec seed(long newSeed) {
        return new FitSpec(
                epochs,
                batchSize,
                newSeed,
                initialEpoch,
                limit,
                validationSplit,
                earlyStopping,
                augmentation,
                learningRateDecay);
    }

    public FitSpec initialEpoch(int epochsDone) {
        return new FitSpec(
                epochs,
                batchSize,
                seed,
                epochsDone,
                limit,
                validationSplit,
                earlyStopping,
                augmentation,
                learningRateDecay);
    }

    /** Only the first {@code examples} training examples (before the validation split). */
    public FitSpec limit(int examples) {
        return new FitSpec(
                epochs,
                batchSize,
                seed,
                initialEpoch,
                Optional.of(examples),
                validationSplit,
                earlyStopping,
                augmentation,
                learningRateDecay);
    }

    public FitSpec validationSplit(double fraction) {
        return new FitSpec(
                epochs,
                batchSize,
                seed,
                initialEpoch,
                limit,
                Optional.of(fraction),
                earlyStopping,
                augmentation,
                learningRateDecay);
    }

    public FitSpec earlyStopping(EarlyStoppingSpec callback) {
        return new FitSpec(
                epochs,
                batchSize,
                seed,
                initialEpoch,
                limit,
                validationSplit,
                Optional.of(callback),
                augmentation,
                learningRateDecay);
    }

    public FitSpec augmentation(Augmentation distortions) {
        return new FitSpec(
                epochs,
                batchSize,
                seed,
                initialEpoch,
                limit,
                validationSplit,
                earlyStopping,
                Optional.of(distortions),
                learningRateDecay);
    }

    public FitSpec noAugmentation() {
        return new FitSpec(
                epochs,
                batchSize,
                seed,
                initialEpoch,
                limit,
                validationSplit,
                earlyStopping,
                Optional.empty(),
                learningRateDecay);
    }

    public FitSpec learningRateDecay(double factor) {
        return new FitSpec(
                epochs,
                batchSize,
                seed,
                initialEpoch,
                limit,
                validationSplit,
                earlyStopping,
                augmentation,
                Optional.of(factor));
    }

    /** The training examples used out of {@code available}: all of them, or the limit. */
    public int examples(int available) {
        return Math.min(limit.orElse(available), available);
    }

    /**
     * Where Keras splits: {@code split_at = floor(n * (1 - validation_split))}; examples from there on validate.
     *
     * @param examples the training examples available (after the limit)
     */
    public int splitAt(int examples) {
        if (validationSplit.isEmpty()) {
            return examples;
        }
        double split = validationSplit.get();
        int at = (int) Math.floor(examples * (1.0 - split));
        if (at < 1 || at >= examples) {
            throw new IllegalArgumentException("validation split " + split + " of " + examples + " examples leaves "
                    + at + " to train on and " + (examples - at) + " to validate");
        }
        return at;
    }
}
