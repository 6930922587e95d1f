/**
 * Hyper-parameter sweeps ({@code sweep}): a {@link dev.kerasmnist.sweep.SearchSpace} of settings and seeds
 * expands into {@link dev.kerasmnist.sweep.Trial}s, each a {@code training} run on a held-out validation split; a
 * {@link dev.kerasmnist.sweep.TrialEngine} runs them (one after another here, or as Spark tasks in
 * {@code sweep.spark}); {@link dev.kerasmnist.sweep.Sweep} keeps every finished trial, skips them when run again, and
 * writes the table, the plot and the best model. Above {@code training} in the stage order; below only {@code cli}.
 */
package dev.kerasmnist.sweep;
