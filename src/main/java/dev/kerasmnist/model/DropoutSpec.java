package dev.kerasmnist.model;

/** Keras's {@code layers.Dropout(rate)}: while training, zeroes a fraction {@code rate} of its inputs. */
public record DropoutSpec(double rate) implements LayerSpec {
    public DropoutSpec {
        if (!(rate > 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in (0, 1), got " + rate);
        }
    }
}
