/**
 * Run-time replacements for DL4J's dense layer, output layer and RMSprop updater implementations that remove work
 * DL4J repeats every step, computing the same numbers bit for bit. Only the in-memory objects are swapped
 * ({@link dev.kerasmnist.model.fast.FastPath#install}); the configuration, and so every saved file, stays stock DL4J.
 */
package dev.kerasmnist.model.fast;
