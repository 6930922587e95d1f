package dev.kerasmnist.model;

import java.util.Map;

/**
 * What a saved model was made from and how well it did, written as JSON next to the model zip.
 *
 * @param dataSha256 SHA-256 of each MNIST file it was trained and tested on, by file name
 */
public record ModelSidecar(
        String format,
        ModelSpec model,
        int epochs,
        int batchSize,
        long seed,
        int trainingExamples,
        double trainingSeconds,
        double testLoss,
        double testAccuracy,
        double tutorialAccuracy,
        Map<String, String> dataSha256,
        String dl4jVersion,
        String javaVersion,
        String createdAt) {
    public static final String FORMAT = "keras-mnist-dl4j/1";
    /** The DL4J release this project is built on (the pom's dl4j.version). */
    public static final String DL4J_VERSION = "1.0.0-M2.1";
}
