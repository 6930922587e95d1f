package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keras's {@code layers.ZeroPadding2D(padding=(1, 1), data_format="channels_last")}: rows of zeros above and below
 * the feature maps, columns left and right. Keras reads {@code padding} as {@code n}, {@code (rows, cols)} or
 * {@code ((top, bottom), (left, right))} and writes the last form.
 */
public record ZeroPadding2DSpec(int top, int bottom, int left, int right, DataFormat dataFormat) implements LayerSpec {
    public ZeroPadding2DSpec {
        if (top < 0 || bottom < 0 || left < 0 || right < 0 || dataFormat == null) {
            throw new IllegalArgumentException("ZeroPadding2D needs paddings >= 0 and a data format, got ((" + top
                    + ", " + bottom + "), (" + left + ", " + right + "))");
        }
    }

    static ZeroPadding2DSpec read(LayerConfig c) {
        Edges e = Edges.read(c, "padding", 1, "ZeroPadding2D");
        return new ZeroPadding2DSpec(e.top(), e.bottom(), e.left(), e.right(), c.dataFormat());
    }

    @Override
    public void writeConfig(ObjectNode c) {
        new Edges(top, bottom, left, right).write(c, "padding");
        c.put("data_format", dataFormat.kerasName());
    }

    @Override
    public String kerasClass() {
        return "ZeroPadding2D";
    }

    @Override
    public DataFormat readsFeatureMaps() {
        return dataFormat;
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        return dataFormat.shape(
                dataFormat.rows(input) + top + bottom,
                dataFormat.cols(input) + left + right,
                dataFormat.channels(input));
    }

    @Override
    public String describe() {
        return "ZeroPadding2D(((" + top + ", " + bottom + "), (" + left + ", " + right + ")))";
    }
}
