/**
 * Stage 1: MNIST on disk to training batches.
 *
 * <p>{@link dev.kerasmnist.data.IdxReader} parses the raw IDX files strictly,
 * {@link dev.kerasmnist.data.MnistLocator} finds them (option, environment, project folder, DL4J's cache),
 * {@link dev.kerasmnist.data.Mnist} checks their SHA-256 sums, and
 * {@link dev.kerasmnist.data.MnistRecordReader} feeds them to DL4J through DataVec's RecordReader API.
 */
package dev.kerasmnist.data;
