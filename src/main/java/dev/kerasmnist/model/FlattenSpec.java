package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keras's {@code layers.Flatten(data_format="channels_last")}: from feature maps to the flat vector a Dense layer
 * needs. With {@code "channels_first"} Keras moves the channels last before flattening, so that a channels-first
 * model flattens in (rows, cols, channels) order; with the default, the values are flattened in the order they have.
 */
public record FlattenSpec(DataFormat dataFormat) implements LayerSpec {
    public FlattenSpec {
        if (dataFormat == null) {
            throw new IllegalArgumentException("Flatten needs a data format");
        }
    }

    /** {@code Flatten()}. */
    public FlattenSpec() {
        this(DataFormat.CHANNELS_LAST);
    }

    /** Reads saved specs, also those from before Flatten recorded a data format. */
    @JsonCreator
    static FlattenSpec json(@JsonProperty("dataFormat") DataFormat dataFormat) {
        return new FlattenSpec(dataFormat == null ? DataFormat.CHANNELS_LAST : dataFormat);
    }

    static FlattenSpec read(LayerConfig c) {
        return new FlattenSpec(c.dataFormat());
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("data_format", dataFormat.kerasName());
    }

    @Override
    public String kerasClass() {
        return "Flatten";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return new int[] {Shapes.product(input)};
    }
}
