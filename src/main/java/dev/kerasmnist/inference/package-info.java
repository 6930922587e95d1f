/**
 * Stage 5: using a trained model. {@link dev.kerasmnist.inference.DigitClassifier} loads a saved model and predicts
 * digits from images, files or pixel arrays; {@link dev.kerasmnist.inference.MnistPreprocessor} turns real images
 * into MNIST-shaped input the way MNIST itself was made.
 */
package dev.kerasmnist.inference;
