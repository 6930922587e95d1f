package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.JsonNode;
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
        JsonNode p = c.path("cropping");
        if (!c.has("cropping")) {
            return new Cropping2DSpec(0, 0, 0, 0, c.dataFormat());
        }
        if (!p.isArray()) {
            return new Cropping2DSpec(p.asInt(), p.asInt(), p.asInt(), p.asInt(), c.dataFormat());
        }
        c.require(p.size() == 2, "Cropping2D(cropping=" + p + ")");
        JsonNode rows = p.get(0);
        JsonNode cols = p.get(1);
        return new Cropping2DSpec(first(rows), second(rows), first(cols), second(cols), c.dataFormat());
    }

    /** Of {@code n} or {@code (before, after)}. */
    private static int first(JsonNode pair) {
        return pair.isArray() ? pair.get(0).asInt() : pair.asInt();
    }

    private static int second(JsonNode pair) {
        return pair.isArray() ? pair.get(1).asInt() : pair.asInt();
    }

    @Override
    public void writeConfig(ObjectNode c) {
        // ((top, bottom), (left, right)), as Keras's get_config writes it
        c.putArray("cropping")
                .add(c.arrayNode().add(top).add(bottom))
                .add(c.arrayNode().add(left).add(right));
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
