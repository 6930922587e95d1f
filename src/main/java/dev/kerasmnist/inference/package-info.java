/**
 * Stage 6: using a trained model. {@link dev.kerasmnist.inference.DigitClassifier} predicts digits from images,
 * files or pixel arrays; {@link dev.kerasmnist.inference.ImageDecoder} decodes image files and uploads within a size
 * limit; {@link dev.kerasmnist.inference.MnistPreprocessor} turns real pictures into MNIST-shaped input the way
 * MNIST itself was made, with optional steps for real paper; {@link dev.kerasmnist.inference.ImageEvaluation} scores a
 * model on the user's own labelled pictures ({@link dev.kerasmnist.inference.LabelledImages}: class folders or a CSV)
 * through that same path.
 */
package dev.kerasmnist.inference;
