/**
 * The command line: {@code keras-mnist train | evaluate | predict | compare | import-keras | export-keras | export-onnx |
 * serve | sweep | lessons | fetch-data}. Commands parse options and print; the workflows they run live in the stages ({@code train} is a
 * {@link dev.kerasmnist.training.TrainingRun}), so Java code gets the same behaviour without the CLI.
 */
package dev.kerasmnist.cli;
