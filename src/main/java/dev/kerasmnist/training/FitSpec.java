package dev.kerasmnist.training;

/**
 * Keras's {@code model.fit(x, y, epochs, batch_size, shuffle=True)}, plus the seed of the shuffling and a limit on
 * the number of training examples for quick runs.
 *
 * @param limit use only the first {@code limit} training examples; {@link #ALL} for all of them
 */
public record FitSpec(int epochs, int batchSize, long seed, int limit) {
    public static final int ALL = Integer.MAX_VALUE;
    /** The tutorial's {@code fit(epochs=5, batch_size=128)} (Keras's own defaults are epochs=1, batch_size=32). */
    public static final int TUTORIAL_EPOCHS = 5;
    public static final int TUTORIAL_BATCH_SIZE = 128;
    /** Our fixed default seed; the tutorial's run was not seeded. */
    public static final long DEFAULT_SEED = 1;

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
    }

    public static FitSpec tutorial(long seed) {
        return new FitSpec(TUTORIAL_EPOCHS, TUTORIAL_BATCH_SIZE, seed, ALL);
    }
}
