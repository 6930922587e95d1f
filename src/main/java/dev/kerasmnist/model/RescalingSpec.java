package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Keras's {@code layers.Rescaling(scale, offset=0.0)}: {@code x * scale + offset}, not trainable. */
public record RescalingSpec(double scale, double offset) implements LayerSpec {
    public RescalingSpec {
        if (!Double.isFinite(scale) || !Double.isFinite(offset)) {
            throw new IllegalArgumentException("Rescaling needs finite scale and offset, got " + scale + ", " + offset);
        }
    }

    static RescalingSpec read(LayerConfig c) {
        c.require(
                c.path("scale").isNumber()
                        && (c.path("offset").isMissingNode() || c.path("offset").isNumber()),
                "Rescaling by per-channel values " + c.path("scale"));
        return new RescalingSpec(c.real("scale", 1), c.real("offset", 0));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("scale", scale).put("offset", offset);
    }

    @Override
    public String kerasClass() {
        return "Rescaling";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return input;
    }

    @Override
    public String describe() {
        return "Rescaling(" + scale + (offset != 0 ? ", offset=" + offset : "") + ")";
    }
}
