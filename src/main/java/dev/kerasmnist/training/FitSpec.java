package dev.kerasmnist.training;

import dev.kerasmnist.data.Augmentation;

/**
 * Keras's {@code model.fit(x, y, epochs, batch_size, shuffle=True, validation_split)} with an optional
 * {@code EarlyStopping(monitor="val_loss", patience, restore_best_weights=True)} callback, plus the seed of the
 * shuffling and a limit on the number of training examples for quick runs.
 *
 * @param limit           use only the first {@code limit} training examples; {@link #ALL} for all of them
 * @param validationSplit Keras's {@code validation_split}: the fraction held out from the end of the (limited)
 *                        training set, before shuffling, to give {@code val_loss} and {@code val_accuracy}; 0 for none
 * @param earlyStopping   Keras's {@code EarlyStopping(patience=...)} on {@code val_loss}; null for none
 * @param augmentation    random distortions of the training images, drawn afresh each epoch; null for none
 * @param learningRateDecay the learning rate is multiplied by this before every epoch after the first, as Keras's
 *                        {@code LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr * decay)}; null for
 *                        a constant rate
 */
public record FitSpec(int epochs, int batchSize, long seed, int limit, double validationSplit, Integer earlyStopping,
        Augmentation augmentation, Double learningRateDecay) {
    public static final int ALL = Integer.MAX_VALUE;
    /** The tutorial's {@code fit(epochs=5, batch_size=128)} (Keras's own defaults are epochs=1, batch_size=32). */
    public static final int TUTORIAL_EPOCHS = 5;
    public static final int TUTORIAL_BATCH_SIZE = 128;
    /** Our fixed default seed; the tutorial's run was not seeded. */
    public static final long DEFAULT_SEED = 1;
    /** Keras's {@code validation_split} default: no validation. */
    public static final double NO_VALIDATION = 0.0;

    public FitSpec {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new IllegalArgumentException("validation split must be in [0, 1), got " + validationSplit);
        }
        if (earlyStopping != null && earlyStopping < 0) {
            throw new IllegalArgumentException("early-stopping patience must be at least 0, got " + earlyStopping);
        }
        if (learningRateDecay != null && !(learningRateDecay > 0 && learningRateDecay <= 1)) {
            throw new IllegalArgumentException("learning-rate decay must be in (0, 1], got " + learningRateDecay);
        }
        if (earlyStopping != null && validationSplit == 0) {
            throw new IllegalArgumentException("early stopping watches val_loss: give a validation split too "
                    + "(e.g. --validation-split 0.1)");
        }
    }

    /** Without validation or augmentation, as the tutorial. */
    public FitSpec(int epochs, int batchSize, long seed, int limit) {
        this(epochs, batchSize, seed, limit, NO_VALIDATION, null, null, null);
    }

    public FitSpec(int epochs, int batchSize, long seed, int limit, double validationSplit, Integer earlyStopping) {
        this(epochs, batchSize, seed, limit, validationSplit, earlyStopping, null, null);
    }

    public static FitSpec tutorial(long seed) {
        return new FitSpec(TUTORIAL_EPOCHS, TUTORIAL_BATCH_SIZE, seed, ALL);
    }

    public FitSpec withEpochs(int newEpochs) {
        return new FitSpec(newEpochs, batchSize, seed, limit, validationSplit, earlyStopping, augmentation,
                learningRateDecay);
    }

    /**
     * Where Keras splits: {@code split_at = floor(n * (1 - validation_split))}; examples from there on validate.
     *
     * @param examples the training examples available (after the limit)
     */
    public int splitAt(int examples) {
        int at = (int) Math.floor(examples * (1.0 - validationSplit));
        if (validationSplit > 0 && (at < 1 || at >= examples)) {
            throw new IllegalArgumentException("validation split " + validationSplit + " of " + examples
                    + " examples leaves " + at + " to train on and " + (examples - at) + " to validate");
        }
        return at;
    }
}
