package dev.kerasmnist.model;

/** Keras's {@code layers.Add()}: the element-wise sum of its inputs (a residual connection), all of one shape. */
public record AddSpec() implements LayerSpec {
}
