package dev.kerasmnist.model;

/** Keras's {@code GlobalAveragePooling2D()} / {@code GlobalMaxPooling2D()}: one value per channel. */
public record GlobalPooling2DSpec(PoolType poolType, DataFormat dataFormat) implements LayerSpec {
    public GlobalPooling2DSpec {
        if (poolType == null || dataFormat == null) {
            throw new IllegalArgumentException("global pooling needs a type and a data format");
        }
    }

    public String kerasClass() {
        return "Global" + poolType.kerasPrefix() + "Pooling2D";
    }
}
