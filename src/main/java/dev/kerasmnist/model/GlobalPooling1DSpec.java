package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * Keras's {@code GlobalAveragePooling1D()} / {@code GlobalMaxPooling1D()} over a sequence {@code (timesteps,
 * features)}: one value per feature. Channels-last only (Keras's default).
 */
public record GlobalPooling1DSpec(PoolType poolType) implements LayerSpec {
    public GlobalPooling1DSpec {
        if (poolType == null) {
            throw new IllegalArgumentException("global pooling needs a type");
        }
    }

    /** {@code GlobalAveragePooling1D} (or {@code GlobalAvgPool1D}), {@code GlobalMaxPooling1D} (or ...Pool1D). */
    static GlobalPooling1DSpec read(LayerConfig c) {
        c.require(!c.flag("keepdims", false), c.className() + "(keepdims=True)");
        c.require(c.dataFormat() == DataFormat.CHANNELS_LAST, c.className() + "(data_format='channels_first')");
        return new GlobalPooling1DSpec(c.className().startsWith("GlobalMax") ? PoolType.MAX : PoolType.AVERAGE);
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("data_format", DataFormat.CHANNELS_LAST.kerasName()).put("keepdims", false);
    }

    @Override
    public String kerasClass() {
        return "Global" + poolType.kerasPrefix() + "Pooling1D";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        if (input.length != 2) {
            throw new IllegalArgumentException(
                    kerasClass() + " needs a sequence (timesteps, features), not " + Arrays.toString(input));
        }
        return new int[] {input[1]};
    }
}
