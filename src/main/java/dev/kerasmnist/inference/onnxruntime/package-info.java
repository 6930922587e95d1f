/**
 * The ONNX Runtime engine for {@code DigitClassifier}: the model converted to ONNX in memory and run by ONNX Runtime.
 * Compiled only in the {@code onnxruntime} Maven profile's build; {@code ForwardPass.onnxRuntime} finds it by name.
 */
package dev.kerasmnist.inference.onnxruntime;
