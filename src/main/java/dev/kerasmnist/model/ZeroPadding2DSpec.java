package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.JsonNode;
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
        JsonNode p = c.path("padding");
        if (!c.has("padding")) {
            return new ZeroPadding2DSpec(1, 1, 1, 1, c.dataFormat());
        }
        if (!p.isArray()) {
            return new ZeroPadding2DSpec(p.asInt(), p.asInt(), p.asInt(), p.asInt(), c.dataFormat());
        }
        c.require(p.size() == 2, "ZeroPadding2D(padding=" + p + ")");
        JsonNode rows = p.get(0);
        JsonNode cols = p.get(1);
        return new ZeroPadding2DSpec(first(rows), second(rows), first(cols), second(cols), c.dataFormat());
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
        c.putArray("padding")
                .add(c.arrayNode().add(top).add(bottom))
                .add(c.arrayNode().add(left).add(right));
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
