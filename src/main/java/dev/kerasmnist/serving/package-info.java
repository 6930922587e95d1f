/**
 * Stage 8: a trained model behind HTTP ({@code keras-mnist serve}). Concurrent requests are coalesced into batches
 * for one forward pass ({@link dev.kerasmnist.serving.BatchingPredictor}); {@link dev.kerasmnist.serving.ModelServer}
 * holds the routes, the page at {@code /} and the metrics; {@link dev.kerasmnist.serving.ServeConfig} its limits.
 */
package dev.kerasmnist.serving;
