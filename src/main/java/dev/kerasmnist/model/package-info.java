/**
 * Stage 2: a network in Keras's vocabulary ({@link dev.kerasmnist.model.ModelSpec} of layer records, compiled with
 * {@link dev.kerasmnist.model.RmsPropSpec}) and how it is fitted ({@link dev.kerasmnist.model.FitSpec}); the one
 * translation to DL4J ({@link dev.kerasmnist.model.KerasToDl4j}); Keras's {@code model.summary()}; and saving and
 * loading with the model's {@link dev.kerasmnist.model.Provenance} (with the {@link dev.kerasmnist.model.Machine} that
 * trained it) ({@link dev.kerasmnist.model.ModelStore}), where
 * the fast path of {@code model.fast} is installed (through {@link dev.kerasmnist.model.FastPathHook}, so that
 * {@code model} does not depend on {@code model.fast}). Each layer is a record of its Keras facts with one DL4J
 * mapping, registered in {@link dev.kerasmnist.model.Layers}.
 */
package dev.kerasmnist.model;
