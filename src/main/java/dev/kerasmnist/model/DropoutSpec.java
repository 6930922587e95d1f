package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Keras's {@code layers.Dropout(rate)}: while training, zeroes a fraction {@code rate} of its inputs. */
public record DropoutSpec(double rate) implements LayerSpec {
    public DropoutSpec {
        if (!(rate > 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in (0, 1), got " + rate);
        }
    }

    /** {@code Dropout(0)} computes nothing, so it is read as no layer at all (null). */
    static DropoutSpec read(LayerConfig c) {
        double rate = c.real("rate", 0);
        return rate == 0 ? null : new DropoutSpec(rate);
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("rate", rate).putNull("seed").putNull("noise_shape");
    }

    @Override
    public String kerasClass() {
        return "Dropout";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return input;
    }

    @Override
    public String describe() {
        return "Dropout(" + rate + ")";
    }
}
