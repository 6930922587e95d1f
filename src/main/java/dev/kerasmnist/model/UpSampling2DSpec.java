package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keras's {@code layers.UpSampling2D(size=(2, 2), data_format="channels_last", interpolation="nearest")}: each row
 * repeated {@code size.rows} times, each column {@code size.cols} times. Only nearest: DL4J's Upsampling2D repeats,
 * it does not interpolate.
 */
public record UpSampling2DSpec(Size2D size, DataFormat dataFormat) implements LayerSpec {
    public static final Size2D KERAS_DEFAULT_SIZE = Size2D.square(2);

    public UpSampling2DSpec {
        if (size == null || size.rows() < 1 || size.cols() < 1 || dataFormat == null) {
            throw new IllegalArgumentException(
                    "UpSampling2D needs a size of at least 1 and a data format, got " + size);
        }
    }

    static UpSampling2DSpec read(LayerConfig c) {
        String interpolation = c.path("interpolation").asText("nearest");
        c.require("nearest".equals(interpolation), "UpSampling2D(interpolation='" + interpolation + "')");
        return new UpSampling2DSpec(c.size("size", KERAS_DEFAULT_SIZE), c.dataFormat());
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.set("size", LayerConfig.pair(size));
        c.put("data_format", dataFormat.kerasName()).put("interpolation", "nearest");
    }

    @Override
    public String kerasClass() {
        return "UpSampling2D";
    }

    @Override
    public DataFormat readsFeatureMaps() {
        return dataFormat;
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return dataFormat.shape(
                dataFormat.rows(input) * size.rows(), dataFormat.cols(input) * size.cols(), dataFormat.channels(input));
    }

    @Override
    public String describe() {
        return "UpSampling2D(" + size + ")";
    }
}
