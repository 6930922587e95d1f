package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Keras's {@code GlobalAveragePooling2D()} / {@code GlobalMaxPooling2D()}: one value per channel. */
public record GlobalPooling2DSpec(PoolType poolType, DataFormat dataFormat) implements LayerSpec {
    public GlobalPooling2DSpec {
        if (poolType == null || dataFormat == null) {
            throw new IllegalArgumentException("global pooling needs a type and a data format");
        }
    }

    /** {@code GlobalAveragePooling2D} (or {@code GlobalAvgPool2D}), {@code GlobalMaxPooling2D} (or ...Pool2D). */
    static GlobalPooling2DSpec read(LayerConfig c) {
        c.require(!c.flag("keepdims", false), c.className() + "(keepdims=True)");
        return new GlobalPooling2DSpec(
                c.className().startsWith("GlobalMax") ? PoolType.MAX : PoolType.AVERAGE, c.dataFormat());
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("data_format", dataFormat.kerasName()).put("keepdims", false);
    }

    @Override
    public String kerasClass() {
        return "Global" + poolType.kerasPrefix() + "Pooling2D";
    }

    @Override
    public DataFormat readsFeatureMaps() {
        return dataFormat;
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return new int[] {dataFormat.channels(input)};
    }
}
