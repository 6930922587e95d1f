package dev.kerasmnist.training;

/** One epoch as Keras reports it: mean training loss and accuracy over its batches, and its wall time. */
public record EpochStats(int epoch, double loss, double accuracy, double seconds) {
}
