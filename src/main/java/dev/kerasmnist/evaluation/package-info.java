/**
 * Stage 4: Keras's {@code model.evaluate}: test loss and accuracy computed with DL4J's
 * {@link org.deeplearning4j.eval.Evaluation}, compared with the tutorial's 98.01%.
 */
package dev.kerasmnist.evaluation;
