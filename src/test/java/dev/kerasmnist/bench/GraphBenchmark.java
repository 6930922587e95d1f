package dev.kerasmnist.bench;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.keras.KerasImport;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Networks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a Functional graph (an imported ComputationGraph) costs to evaluate on MNIST's 10,000 test images, as
 * {@code evaluate} runs it ({@link Evaluator}, through the fast graph inference): wall time, single-image predict
 * time and the JVM's peak resident memory; with "stock", also DL4J's own {@code outputSingle} in the same batches,
 * its time, and how far its probabilities and predictions are from ours. Not a test: run by hand, in a fresh JVM,
 * {@code java -cp ... dev.kerasmnist.bench.GraphBenchmark DIR [MODEL] [stock]} (MODEL: a .keras/.h5 file or a DL4J
 * zip; default the keras3-resnet.keras fixture). Prints one JSON line.
 */
public final class GraphBenchmark {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path file = Path.of(args.length > 1 ? args[1] : "src/test/resources/keras/keras3-resnet.keras");
        boolean stock = Arrays.asList(args).contains("stock");
        String name = file.getFileName().toString();
        Model net = name.endsWith(".zip")
                ? ModelStore.loadAny(file)
                : KerasImport.read(file).net();
        MnistSplit test = Mnist.load(dir).test();
        Networks.output(net, Nd4j.zeros(1, MnistSplit.PIXELS)); // the natives and the JIT's first pass
        long loadedRss = status("VmHWM:");

        long start = System.nanoTime();
        TestResult result = Evaluator.evaluate(net, test);
        double evaluateS = (System.nanoTime() - start) / 1e9;

        DigitClassifier classifier = new DigitClassifier(net);
        float[] pixels = new float[MnistSplit.PIXELS];
        for (int p = 0; p < pixels.length; p++) {
            pixels[p] = test.images().pixel(0, p) / 255f;
        }
        double[] ms = new double[100];
        for (int i = -20; i < ms.length; i++) {
            long t = System.nanoTime();
            classifier.predict(pixels);
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
        }
        Arrays.sort(ms);
        long peakRss = status("VmHWM:"); // before the stock pass, which holds its own workspaces

        StringBuilder json = new StringBuilder(String.format(
                Locale.ROOT,
                "{\"model\": \"%s\", \"images\": %d, \"evaluate_s\": %.2f, \"accuracy\": %.4f,"
                        + " \"predict_one_ms\": %.2f, \"peak_rss_mb\": %d, \"peak_rss_before_evaluate_mb\": %d",
                name,
                test.size(),
                evaluateS,
                result.accuracy(),
                ms[ms.length / 2],
                peakRss / 1024,
                loadedRss / 1024));
        if (stock && net instanceof ComputationGraph graph) {
            INDArray x = inputs(test);
            int[] fast = result.predictions();
            double worst = 0;
            int differ = 0;
            long t = System.nanoTime();
            for (int from = 0; from < test.size(); from += Networks.GRAPH_BATCH) {
                int to = Math.min(test.size(), from + Networks.GRAPH_BATCH);
                INDArray rows = x.get(
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                        org.nd4j.linalg.indexing.NDArrayIndex.all());
                INDArray theirs = graph.outputSingle(false, rows);
                INDArray ours = Networks.output(graph, rows);
                worst = Math.max(worst, theirs.sub(ours).amaxNumber().doubleValue());
                int[] digits = theirs.argMax(1).toIntVector();
                for (int i = 0; i < digits.length; i++) {
                    differ += digits[i] != fast[from + i] ? 1 : 0;
                }
            }
            json.append(String.format(
                    Locale.ROOT,
                    ", \"stock_and_fast_s\": %.2f, \"max_abs_diff_vs_stock\": %.2e, \"predictions_differing\": %d",
                    (System.nanoTime() - t) / 1e9,
                    worst,
                    differ));
        }
        System.out.println(json.append("}"));
    }

    private static INDArray inputs(MnistSplit split) {
        float[] x = new float[split.size() * MnistSplit.PIXELS];
        for (int i = 0; i < split.size(); i++) {
            for (int p = 0; p < MnistSplit.PIXELS; p++) {
                x[i * MnistSplit.PIXELS + p] = split.images().pixel(i, p) / 255f;
            }
        }
        return Nd4j.create(x, new long[] {split.size(), MnistSplit.PIXELS}, 'c');
    }

    /** A memory figure of this process from /proc (VmHWM: its peak resident set), in KB; 0 where there is none. */
    private static long status(String field) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return 0;
        }
        return Files.readAllLines(status).stream()
                .filter(l -> l.startsWith(field))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst()
                .orElse(0);
    }
}
