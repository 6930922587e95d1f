package dev.kerasmnist.bench;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.Engine;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Inference with a saved model on one engine, in a fresh JVM started by {@code bench/run}, with {@link
 * TrainBenchmark}'s protocol (20,000 single images of warm-up, 2,000 timed; 10 passes of batches of 1,000 of warm-up,
 * 3 timed): {@code InferenceBenchmark DIR MODEL LABEL ENGINE} prints one JSON line. Not a test.
 */
public final class InferenceBenchmark {
    public static void main(String[] args) throws Exception {
        Mnist mnist = Mnist.load(Path.of(args[0]));
        Engine engine = Engine.of(args[3]);
        try (DigitClassifier classifier = DigitClassifier.load(Path.of(args[1]), engine)) {
            TrainBenchmark.Timings t = TrainBenchmark.predict(classifier, mnist);
            System.out.printf(
                    Locale.ROOT,
                    "{\"bench\": \"inference\", \"model\": \"%s\", \"engine\": \"%s\", \"engine_version\": \"%s\", "
                            + "\"predict_one_ms\": %.4f, \"predict_batch_per_s\": %.0f}%n",
                    args[2],
                    engine.cliName(),
                    classifier.engine(),
                    t.oneMs(),
                    t.batchPerSecond());
        }
    }
}
