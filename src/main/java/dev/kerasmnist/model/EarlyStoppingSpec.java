package dev.kerasmnist.model;

/**
 * Keras's {@code EarlyStopping(monitor='val_loss', patience=..., restore_best_weights=True)} with its other defaults
 * ({@code mode='min'}, {@code min_delta=0}, no baseline): the setting; the callback that carries it out is
 * {@code training.EarlyStopping}.
 *
 * @param patience epochs without a lower val_loss before training stops
 */
public record EarlyStoppingSpec(int patience) {
    public EarlyStoppingSpec {
        if (patience < 0) {
            throw new IllegalArgumentException("early-stopping patience must be at least 0, got " + patience);
        }
    }

    /** {@code FitSpec.keras(1).validationSplit(0.1).earlyStopping(patience(3))}. */
    public static EarlyStoppingSpec patience(int patience) {
        return new EarlyStoppingSpec(patience);
    }
}
