/**
 * Stage 2: the tutorial's Keras model, described in Keras's own vocabulary ({@link dev.kerasmnist.model.ModelSpec}),
 * translated to a DL4J {@code MultiLayerNetwork} in one place ({@link dev.kerasmnist.model.KerasToDl4j}),
 * summarised like Keras's {@code model.summary()}, and saved and loaded atomically
 * ({@link dev.kerasmnist.model.ModelStore}).
 */
package dev.kerasmnist.model;
