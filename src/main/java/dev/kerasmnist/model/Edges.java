package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code padding} of {@code ZeroPadding2D} and {@code cropping} of {@code Cropping2D}: rows at the top and
 * bottom, columns at the left and right. Keras reads {@code n}, {@code (rows, cols)} or
 * {@code ((top, bottom), (left, right))} and its get_config writes the last form.
 */
record Edges(int top, int bottom, int left, int right) {
    /** The argument {@code key} of layer {@code layer}, or {@code absent} on every edge where it is not given. */
    static Edges read(LayerConfig c, String key, int absent, String layer) {
        JsonNode p = c.path(key);
        if (!c.has(key)) {
            return new Edges(absent, absent, absent, absent);
        }
        if (!p.isArray()) {
            return new Edges(p.asInt(), p.asInt(), p.asInt(), p.asInt());
        }
        c.require(p.size() == 2, layer + "(" + key + "=" + p + ")");
        JsonNode rows = p.get(0);
        JsonNode cols = p.get(1);
        return new Edges(first(rows), second(rows), first(cols), second(cols));
    }

    /** Writes them as {@code key: [[top, bottom], [left, right]]}. */
    void write(ObjectNode c, String key) {
        c.putArray(key)
                .add(c.arrayNode().add(top).add(bottom))
                .add(c.arrayNode().add(left).add(right));
    }

    /** Of {@code n} or {@code (before, after)}. */
    private static int first(JsonNode pair) {
        return pair.isArray() ? pair.get(0).asInt() : pair.asInt();
    }

    private static int second(JsonNode pair) {
        return pair.isArray() ? pair.get(1).asInt() : pair.asInt();
    }
}
