/**
 * The bottom of the stages: what an expected failure is ({@link dev.kerasmnist.failures.Failure}: bad input, a
 * setting that does not fit, the environment) and the typed {@link dev.kerasmnist.failures.Remedy} it carries. The
 * library says what went wrong and which remedy applies; the command line words a remedy as its flags, a Java caller
 * reads {@link dev.kerasmnist.failures.Remedy#inJava()}. Anything else that escapes is a bug.
 */
package dev.kerasmnist.failures;
