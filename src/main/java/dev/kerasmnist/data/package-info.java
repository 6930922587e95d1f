/**
 * Stage 1 of the data's journey: MNIST on disk to training batches.
 *
 * <p>{@link dev.kerasmnist.data.IdxReader} parses the raw IDX files strictly,
 * {@link dev.kerasmnist.data.MnistLocator} finds them (option, environment, project folder, DL4J's cache),
 * {@link dev.kerasmnist.data.Mnist} checks their SHA-256 sums, {@link dev.kerasmnist.data.MnistRecordReader} feeds
 * them to DL4J through DataVec's RecordReader API, and {@link dev.kerasmnist.data.Augmentation} distorts training
 * digits afresh each epoch.
 */
package dev.kerasmnist.data;
