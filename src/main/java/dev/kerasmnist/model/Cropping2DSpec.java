package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Keras's {@code layers.Cropping2D(cropping=((0, 0), (0, 0)), data_format="channels_last")}: rows cut from the top
 * and bottom of the feature maps, columns from the left and right. Keras reads {@code cropping} as {@code n},
 * {@code (rows, cols)} or {@code ((top, bottom), (left, right))} and writes the last form.
 */
public record Cropping2DSpec(int top, int bottom, int left, int right, DataFormat dataFormat) implements LayerSpec {
    public Cropping2DSpec {
        if (top < 0 || bottom < 0 || left < 0 || right < 0 || dataFormat == null) {
            throw new IllegalArgumentException("Cropping2D needs croppings >= 0 and a data format, got ((" + top + ", "
                    + bottom + "), (" + left + ", " + right + "))");
        }
    }

    static Cropping2DSpec read(LayerConfig c) {
        Edges e = Edges.read(c, "cropping", 0, "Cropping2D");
        return new Cropping2DSpec(e.top(), e.bottom(), e.left(), e.right(), c.dataFormat());
    }

    @Override
    public void writeConfig(ObjectNode c) {
        new Edges(top, bottom, left, right).write(c, "cropping");
        c.put("data_format", dataFormat.kerasName());
    }

    @Override
    public String kerasClass() {
        return "Cropping2D";
    }

    @Override
    public DataFormat readsFeatureMaps() {
        return dataFormat;
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        int rows = dataFormat.rows(input) - top - bottom;
        int cols = dataFormat.cols(input) - left - right;
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(describe() + " of " + java.util.Arrays.toString(input)
                    + ": it would crop away every row or column");
        }
        return dataFormat.shape(rows, cols, dataFormat.channels(input));
    }

    @Override
    public String describe() {
        return "Cropping2D(((" + top + ", " + bottom + "), (" + left + ", " + right + ")))";
    }
}
