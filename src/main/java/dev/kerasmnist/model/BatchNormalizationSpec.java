package dev.kerasmnist.model;

/**
 * Keras's {@code layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True)}.
 * Its weights are {@code gamma} (if scale), {@code beta} (if center), {@code moving_mean}, {@code moving_variance}.
 */
public record BatchNormalizationSpec(int axis, double momentum, double epsilon, boolean center, boolean scale)
        implements LayerSpec {
    public static final BatchNormalizationSpec KERAS_DEFAULTS = new BatchNormalizationSpec(-1, 0.99, 1e-3, true, true);

    public BatchNormalizationSpec {
        if (!(epsilon > 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("BatchNormalization needs epsilon > 0 and momentum in [0, 1), got "
                    + epsilon + " and " + momentum);
        }
    }

    public BatchNormalizationSpec withAxis(int a) {
        return new BatchNormalizationSpec(a, momentum, epsilon, center, scale);
    }
}
