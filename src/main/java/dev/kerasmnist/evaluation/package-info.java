/**
 * Stage 5: Keras's {@code model.evaluate} on the test set (the training stage's scorer) with DL4J's
 * {@link org.nd4j.evaluation.classification.Evaluation} per class, compared with the tutorial's 98.01%; the HTML
 * report and the comparison of two models.
 */
package dev.kerasmnist.evaluation;
