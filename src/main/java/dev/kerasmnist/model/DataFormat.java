package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Keras's {@code data_format} of image layers: where the channels sit in {@code (rows, cols, channels)}. */
public enum DataFormat {
    /** {@code (rows, cols, channels)}: Keras's default. */
    CHANNELS_LAST("channels_last"),
    /** {@code (channels, rows, cols)}: DL4J's NCHW order. */
    CHANNELS_FIRST("channels_first");

    private final String kerasName;

    DataFormat(String kerasName) {
        this.kerasName = kerasName;
    }

    @JsonValue
    public String kerasName() {
        return kerasName;
    }

    /** The channels of a Keras image shape in this format. */
    public int channels(int[] shape) {
        return this == CHANNELS_LAST ? shape[2] : shape[0];
    }

    public int rows(int[] shape) {
        return this == CHANNELS_LAST ? shape[0] : shape[1];
    }

    public int cols(int[] shape) {
        return this == CHANNELS_LAST ? shape[1] : shape[2];
    }

    /** A Keras image shape in this format. */
    public int[] shape(int rows, int cols, int channels) {
        return this == CHANNELS_LAST ? new int[] {rows, cols, channels} : new int[] {channels, rows, cols};
    }

    @JsonCreator
    public static DataFormat of(String name) {
        return Arrays.stream(values())
                .filter(p -> p.kerasName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unsupported data_format '" + name + "'; use channels_last or channels_first"));
    }
}
