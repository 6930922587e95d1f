/**
 * The tutorial's claims as experiments run with DL4J/ND4J's own implementations: activation functions, vanishing
 * gradients, the learning rate, why nonlinearity matters, and output layers. Each lesson is one small class that
 * prints a table ({@link dev.kerasmnist.lessons.Table}) and writes a PNG plot
 * ({@link dev.kerasmnist.plots.Charts}); {@code keras-mnist lessons <name>|all} runs them.
 */
package dev.kerasmnist.lessons;
