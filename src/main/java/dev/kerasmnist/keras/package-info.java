/**
 * Stage 3: Keras model files both ways. Import reads a file of any generation ({@link dev.kerasmnist.keras.KerasFile}),
 * translates its config into the {@code model} package's layer records ({@link dev.kerasmnist.keras.KerasTranslation}),
 * builds them with {@code KerasToDl4j} and copies the weights in ({@link dev.kerasmnist.keras.KerasImport}); export
 * writes a model of ours as Keras 3 would save it ({@link dev.kerasmnist.keras.KerasExport}).
 */
package dev.kerasmnist.keras;
