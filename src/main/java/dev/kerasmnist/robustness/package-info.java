/**
 * Stage 7: how a model copes with digits unlike MNIST's. {@link dev.kerasmnist.robustness.Distortion} turns test
 * digits into real-looking pictures (thicker, rotated, on lit paper, JPEG, ...), and
 * {@link dev.kerasmnist.robustness.Robustness} scores models on them through the same preprocessing as
 * {@code predict} ({@code evaluate --robustness}).
 */
package dev.kerasmnist.robustness;
