package dev.kerasmnist.model;

/** Keras's {@code layers.Flatten()}: from feature maps to the flat vector a Dense layer needs. */
public record FlattenSpec() implements LayerSpec {
}
