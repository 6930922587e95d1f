package dev.kerasmnist.bench;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.training.Recipe;
import dev.kerasmnist.training.Trainer;
import dev.kerasmnist.training.Validation;
import java.nio.file.Path;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * One epoch of the convnet recipe through the same {@code Trainer.fit} as {@code train}, in a fresh JVM started by
 * {@code bench/run}; prints one JSON line with the fields of {@code bench/pytorch_convnet.py}, and saves the model
 * to the third argument when given (for {@link InferenceBenchmark}). Not a test.
 */
public final class ConvnetEpochBenchmark {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "data/mnist");
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 123;
        Mnist mnist = Mnist.load(dir);
        MultiLayerNetwork net = KerasToDl4j.build(Recipe.CONVNET.model(seed));
        long start = System.nanoTime();
        Trainer.fit(net, mnist.train(), Recipe.CONVNET.fit(seed).epochs(1));
        double epoch = (System.nanoTime() - start) / 1e9;
        Validation.Score test = Validation.score(net, mnist.test());
        if (args.length > 2) {
            TrainBenchmark.save(
                    net,
                    Recipe.CONVNET.model(seed),
                    Recipe.CONVNET.cliName(),
                    Evaluator.evaluate(net, mnist.test()),
                    Path.of(args[2]));
        }
        System.out.printf(
                Locale.ROOT,
                "{\"impl\": \"dl4j\", \"model\": \"convnet\", \"seed\": %d, \"epoch_s\": %.3f, "
                        + "\"test_acc\": %.4f}%n",
                seed,
                epoch,
                test.accuracy());
    }
}
