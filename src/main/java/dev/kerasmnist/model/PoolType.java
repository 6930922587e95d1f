package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Max or average pooling: {@code MaxPooling2D}/{@code AveragePooling2D} and their global forms. */
public enum PoolType {
    MAX("Max"),
    AVERAGE("Average");

    private final String kerasPrefix;

    PoolType(String kerasPrefix) {
        this.kerasPrefix = kerasPrefix;
    }

    /** {@code "Max"} or {@code "Average"}, as in Keras's class names. */
    public String kerasPrefix() {
        return kerasPrefix;
    }

    @JsonValue
    public String jsonName() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static PoolType of(String name) {
        return valueOf(name.toUpperCase());
    }
}
