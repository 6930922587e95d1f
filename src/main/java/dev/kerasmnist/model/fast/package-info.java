/**
 * Run-time replacements for DL4J's dense layer, output layer and RMSprop updater implementations that remove work
 * DL4J repeats every step, computing the same numbers bit for bit, and for its convolution layer, which runs
 * libnd4j's conv ops (oneDNN kernels on the Linux x86-64 build) and agrees with DL4J's to float rounding
 * ({@link dev.kerasmnist.model.fast.FastConvolutionLayer}). Only the in-memory objects are swapped, once,
 * where a network is built or loaded ({@link dev.kerasmnist.model.fast.FastPath#install}, which {@code KerasToDl4j.build} and
 * {@code ModelStore} reach through {@code model.FastPathHook}: this package depends on {@code model}, not the
 * other way round); the configuration, and so every saved file, stays stock DL4J. Imported Functional graphs
 * ({@code ComputationGraph}) keep their stock layers and run inference through
 * {@code GraphInference} instead ({@code model.Networks.output}), with each
 * BatchNormalization after a convolution folded into it in memory.
 */
package dev.kerasmnist.model.fast;
