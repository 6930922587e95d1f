/**
 * The command line: {@code keras-mnist train | evaluate | fetch-data}. {@link dev.kerasmnist.cli.Main} only parses
 * arguments; each command's {@code run} does the work and returns a result record that tests assert on.
 */
package dev.kerasmnist.cli;
