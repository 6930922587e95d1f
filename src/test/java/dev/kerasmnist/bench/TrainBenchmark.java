package dev.kerasmnist.bench;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.training.EpochStats;
import dev.kerasmnist.training.History;
import dev.kerasmnist.training.Trainer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * One benchmark run of our training, in a fresh JVM started by {@code bench/run}: the tutorial's exact
 * configuration for 5 epochs, then inference timings. Prints one JSON line, the same fields as
 * {@code bench/pytorch_mnist.py}. Not a test: run by hand.
 */
public final class TrainBenchmark {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "data/mnist");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 123;
        Mnist mnist = Mnist.load(dir);
        MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(seed));
        Instant jvmStart = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        Instant[] firstBatch = new Instant[1];
        net.setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                if (firstBatch[0] == null) {
                    firstBatch[0] = Instant.now();
                }
            }
        });
        long start = System.nanoTime();
        History history = Trainer.fit(net, mnist.train(), FitSpec.tutorial(seed));
        double fitSeconds = (System.nanoTime() - start) / 1e9;
        TestResult test = Evaluator.evaluate(net, mnist.test());

        DigitClassifier classifier = new DigitClassifier(net);
        float[][] images = new float[10_000][784];
        for (int i = 0; i < images.length; i++) {
            for (int p = 0; p < 784; p++) {
                images[i][p] = mnist.test().images().pixel(i, p) / 255f;
            }
        }
        for (int i = 0; i < 2000; i++) {
            classifier.predict(images[i % images.length]); // warm-up
        }
        double[] latencies = new double[2000];
        for (int i = 0; i < latencies.length; i++) {
            long t = System.nanoTime();
            classifier.predict(images[i]);
            latencies[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(latencies);
        List<float[]> all = Arrays.asList(images);
        for (int from = 0; from < all.size(); from += 1000) {
            classifier.predict(all.subList(from, from + 1000)); // warm-up, as for single images
        }
        long t = System.nanoTime();
        for (int pass = 0; pass < 3; pass++) {
            for (int from = 0; from < all.size(); from += 1000) {
                classifier.predict(all.subList(from, from + 1000));
            }
        }
        double batchPerSecond = 3.0 * all.size() / ((System.nanoTime() - t) / 1e9);

        List<String> epochs = new ArrayList<>();
        for (EpochStats e : history.epochs()) {
            epochs.add(String.format(Locale.ROOT, "%.3f", e.seconds()));
        }
        System.out.printf(Locale.ROOT, "{\"impl\": \"dl4j\", \"seed\": %d, \"fit_s\": %.3f, \"epoch_s\": [%s], "
                        + "\"test_acc\": %.4f, \"peak_rss_mb\": %.1f, \"start_to_first_batch_s\": %.3f, "
                        + "\"predict_one_ms\": %.4f, \"predict_batch_per_s\": %.0f}%n",
                seed, fitSeconds, String.join(", ", epochs), test.accuracy(), peakRssMb(),
                Duration.between(jvmStart, firstBatch[0]).toMillis() / 1000.0, latencies[latencies.length / 2],
                batchPerSecond);
    }

    /** The process's peak resident set (VmHWM), which includes native memory outside the Java heap. */
    static double peakRssMb() throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
