package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Keras's {@code padding} of convolutions and pooling. */
public enum Padding {
    /** No padding; windows that do not fit are dropped: {@code out = floor((in - k) / s) + 1}. */
    VALID("valid"),
    /** Zero padding so that {@code out = ceil(in / s)}, the extra row or column at the bottom and right. */
    SAME("same");

    private final String kerasName;

    Padding(String kerasName) {
        this.kerasName = kerasName;
    }

    @JsonValue
    public String kerasName() {
        return kerasName;
    }

    /** The output size of one dimension of {@code in} under a window of {@code k} moved by {@code s}. */
    public int outputSize(int in, int k, int s) {
        return this == VALID ? (in - k) / s + 1 : (in + s - 1) / s;
    }

    @JsonCreator
    public static Padding of(String name) {
        return Arrays.stream(values())
                .filter(p -> p.kerasName.equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("unsupported padding '" + name + "'; use valid or same"));
    }
}
