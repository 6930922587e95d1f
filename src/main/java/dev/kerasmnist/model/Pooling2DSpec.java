package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keras's {@code layers.MaxPooling2D(pool_size=(2, 2), strides=None, padding="valid")} and
 * {@code AveragePooling2D} with the same arguments; {@code strides=None} means the pool size. Average pooling with
 * {@code "same"} padding divides by the window's cells inside the image, as Keras does.
 */
public record Pooling2DSpec(PoolType poolType, Size2D poolSize, Size2D strides, Padding padding, DataFormat dataFormat)
        implements LayerSpec {
    public Pooling2DSpec {
        if (poolType == null || poolSize == null || strides == null || padding == null || dataFormat == null) {
            throw new IllegalArgumentException("pooling needs a type, pool size, strides, padding and data format");
        }
    }

    /** {@code MaxPooling2D((pool, pool))}. */
    public static Pooling2DSpec max(int pool) {
        return new Pooling2DSpec(
                PoolType.MAX, Size2D.square(pool), Size2D.square(pool), Padding.VALID, DataFormat.CHANNELS_LAST);
    }

    /** {@code AveragePooling2D((pool, pool))}. */
    public static Pooling2DSpec average(int pool) {
        return max(pool).withType(PoolType.AVERAGE);
    }

    /** Reads saved specs, including those of the first convnet recipe ({@code {"type": "MaxPooling2D", "pool": 2}}). */
    @JsonCreator
    static Pooling2DSpec json(
            @JsonProperty("poolType") PoolType type,
            @JsonProperty("poolSize") Size2D poolSize,
            @JsonProperty("pool") Integer pool,
            @JsonProperty("strides") Size2D strides,
            @JsonProperty("padding") Padding padding,
            @JsonProperty("dataFormat") DataFormat dataFormat) {
        Size2D size = poolSize != null ? poolSize : Size2D.square(pool == null ? 0 : pool);
        return new Pooling2DSpec(
                type != null ? type : PoolType.MAX,
                size,
                strides != null ? strides : size,
                padding != null ? padding : Padding.VALID,
                dataFormat != null ? dataFormat : DataFormat.CHANNELS_LAST);
    }

    /** {@code MaxPooling2D} (or {@code MaxPool2D}) and {@code AveragePooling2D} (or {@code AvgPool2D}). */
    static Pooling2DSpec read(LayerConfig c) {
        Size2D pool = c.size("pool_size", Size2D.square(2));
        return new Pooling2DSpec(
                c.className().startsWith("Max") ? PoolType.MAX : PoolType.AVERAGE,
                pool,
                c.size("strides", pool),
                Padding.of(c.path("padding").asText("valid")),
                c.dataFormat());
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.set("pool_size", LayerConfig.pair(poolSize));
        c.put("padding", padding.kerasName());
        c.set("strides", LayerConfig.pair(strides));
        c.put("data_format", dataFormat.kerasName());
    }

    /** Keras's class name, {@code MaxPooling2D} or {@code AveragePooling2D}. */
    @Override
    public String kerasClass() {
        return poolType.kerasPrefix() + "Pooling2D";
    }

    @Override
    public DataFormat readsFeatureMaps() {
        return dataFormat;
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return Shapes.window(kerasClass(), input, dataFormat, poolSize, strides, padding, dataFormat.channels(input));
    }

    @Override
    public String describe() {
        return kerasClass() + "(" + poolSize + (strides.equals(poolSize) ? "" : ", strides=" + strides)
                + (padding != Padding.VALID ? ", padding='" + padding.kerasName() + "'" : "") + ")";
    }

    public Pooling2DSpec withType(PoolType t) {
        return new Pooling2DSpec(t, poolSize, strides, padding, dataFormat);
    }

    public Pooling2DSpec withStrides(Size2D s) {
        return new Pooling2DSpec(poolType, poolSize, s, padding, dataFormat);
    }

    public Pooling2DSpec withPadding(Padding p) {
        return new Pooling2DSpec(poolType, poolSize, strides, p, dataFormat);
    }

    public Pooling2DSpec withDataFormat(DataFormat f) {
        return new Pooling2DSpec(poolType, poolSize, strides, padding, f);
    }
}
