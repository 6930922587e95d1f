/**
 * Stage 3: Keras's {@code fit}: epochs of shuffled mini-batches, Keras-style progress, a per-epoch
 * {@link dev.kerasmnist.training.History}, and a stop with {@link dev.kerasmnist.training.TrainingDivergedException}
 * as soon as the loss stops being a finite number.
 */
package dev.kerasmnist.training;
