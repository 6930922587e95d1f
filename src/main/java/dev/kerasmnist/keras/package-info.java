/**
 * Stage 3: Keras model files into DL4J networks. Keras 1 and 2 HDF5 files go through DL4J's {@code KerasModelImport};
 * Keras 3 files (legacy {@code .h5} and native {@code .keras}), which it refuses, are translated here: the config
 * JSON into DL4J layers and the weights, read with DL4J's own HDF5 reader, into their parameters.
 */
package dev.kerasmnist.keras;
