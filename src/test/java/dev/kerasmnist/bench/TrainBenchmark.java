package dev.kerasmnist.bench;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
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
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * One benchmark run of our training, then of inference with the trained model, each in a fresh JVM started by
 * {@code bench/run}: the tutorial's exact configuration for 5 epochs, then inference timings. Together the two JSON
 * lines have the fields of {@code bench/pytorch_mnist.py}'s one. Not a test: run by hand.
 */
public final class TrainBenchmark {
    static final int WARM_UP_IMAGES = 20_000;
    static final int WARM_UP_PASSES = 10;

    /**
     * {@code TrainBenchmark DIR SEED train MODEL}: trains (in a JVM with the training options, bin/jvm-options), saves
     * the model to MODEL and prints the training fields; {@code TrainBenchmark DIR SEED predict MODEL}: loads MODEL,
     * as {@code predict} and {@code serve} do (in a JVM with the JIT's defaults, as they run), and prints the
     * inference fields. bench/run joins the two lines.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        Path model = Path.of(args[3]);
        Mnist mnist = Mnist.load(dir);
        if (args[2].equals("predict")) {
            Timings t = predict(DigitClassifier.load(model), mnist);
            System.out.printf(
                    Locale.ROOT,
                    "{\"impl\": \"dl4j\", \"seed\": %d, \"predict_one_ms\": %.4f, \"predict_batch_per_s\": %.0f}%n",
                    seed,
                    t.oneMs(),
                    t.batchPerSecond());
            return;
        }
        MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(seed));
        Instant jvmStart =
                Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
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
        double peakRss = peakRssMb();
        net.setListeners();
        save(net, ModelSpec.tutorial(seed), "tutorial", test, model);

        List<String> epochs = new ArrayList<>();
        for (EpochStats e : history.epochs()) {
            epochs.add(String.format(Locale.ROOT, "%.3f", e.seconds()));
        }
        System.out.printf(
                Locale.ROOT,
                "{\"impl\": \"dl4j\", \"seed\": %d, \"fit_s\": %.3f, \"epoch_s\": [%s], "
                        + "\"test_acc\": %.4f, \"peak_rss_mb\": %.1f, \"start_to_first_batch_s\": %.3f}%n",
                seed,
                fitSeconds,
                String.join(", ", epochs),
                test.accuracy(),
                peakRss,
                Duration.between(jvmStart, firstBatch[0]).toMillis() / 1000.0);
    }

    /** The median time of one image, and the throughput in batches of 1,000, in the steady state. */
    record Timings(double oneMs, double batchPerSecond) {}

    static Timings predict(DigitClassifier classifier, Mnist mnist) {
        float[][] images = new float[10_000][784];
        for (int i = 0; i < images.length; i++) {
            for (int p = 0; p < 784; p++) {
                images[i][p] = mnist.test().images().pixel(i, p) / 255f;
            }
        }
        // Warm-up, the same on both sides (bench/pytorch_mnist.py): 20,000 single images and 10 passes of batches,
        // so that both are timed in their steady state, as a server sees it, not while the JIT still compiles.
        for (int i = 0; i < WARM_UP_IMAGES; i++) {
            classifier.predict(images[i % images.length]);
        }
        double[] latencies = new double[2000];
        for (int i = 0; i < latencies.length; i++) {
            long t = System.nanoTime();
            classifier.predict(images[i]);
            latencies[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(latencies);
        List<float[]> all = Arrays.asList(images);
        for (int pass = 0; pass < WARM_UP_PASSES; pass++) {
            for (int from = 0; from < all.size(); from += 1000) {
                classifier.predict(all.subList(from, from + 1000));
            }
        }
        long t = System.nanoTime();
        for (int pass = 0; pass < 3; pass++) {
            for (int from = 0; from < all.size(); from += 1000) {
                classifier.predict(all.subList(from, from + 1000));
            }
        }
        double batchPerSecond = 3.0 * all.size() / ((System.nanoTime() - t) / 1e9);
        return new Timings(latencies[latencies.length / 2], batchPerSecond);
    }

    /** Saves as {@code train} does, with the provenance that holds the layers (the ONNX Runtime engine needs them). */
    static void save(Model net, ModelSpec spec, String recipe, TestResult test, Path model) throws java.io.IOException {
        Provenance p = new Provenance(
                Provenance.FORMAT,
                Provenance.Origin.recipe(recipe),
                Optional.of(spec),
                Optional.empty(),
                Map.of(),
                Optional.of(new Provenance.Test(test.loss(), test.accuracy())),
                Provenance.Build.now(List.of("bench")));
        ModelStore.save(net, p, "", new ModelFiles(model));
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
