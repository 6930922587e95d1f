package dev.kerasmnist.bench;

import dev.kerasmnist.data.Augmentation;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistRecordReader;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.training.History;
import dev.kerasmnist.training.Recipe;
import dev.kerasmnist.training.Trainer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * README's ablation of the tuned-mlp recipe: each change added to the previous one, trained on MNIST and scored on
 * its test set. Run by hand: {@code java -cp ... dev.kerasmnist.bench.TunedMlpAblation [data dir] [seed]
 * [pipeline-only]} (the last: only the augmentation's cost per epoch).
 */
public final class TunedMlpAblation {
    record Variant(String name, ModelSpec model, FitSpec fit) {}

    public static void main(String[] args) throws Exception {
        Mnist mnist = Mnist.load(Path.of(args.length > 0 ? args[0] : "data/mnist"));
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        int epochs = Recipe.TUNED_MLP.fit(seed).epochs();
        FitSpec tuned = Recipe.TUNED_MLP.fit(seed);
        List<Variant> variants = List.of(
                new Variant("tutorial (5 epochs)", Recipe.TUTORIAL.model(seed), Recipe.TUTORIAL.fit(seed)),
                new Variant(
                        "+ " + epochs + " epochs",
                        Recipe.TUTORIAL.model(seed),
                        FitSpec.keras(seed).epochs(epochs).batchSize(128)),
                new Variant(
                        "+ Dropout(0.2)",
                        Recipe.TUNED_MLP.model(seed),
                        FitSpec.keras(seed).epochs(epochs).batchSize(128)),
                new Variant("+ augmentation (= tuned-mlp)", Recipe.TUNED_MLP.model(seed), tuned),
                new Variant(
                        "tried: + learning rate x0.9 per epoch",
                        Recipe.TUNED_MLP.model(seed),
                        FitSpec.keras(seed)
                                .epochs(epochs)
                                .batchSize(128)
                                .augmentation(tuned.augmentation().orElseThrow())
                                .learningRateDecay(0.9)));
        System.out.printf(
                Locale.ROOT,
                "augmentation alone, one epoch of batches: %.2f s without, %.2f s with%n",
                readEpoch(mnist, null),
                readEpoch(mnist, tuned.augmentation().orElseThrow()));
        if (args.length > 2 && args[2].equals("pipeline-only")) {
            return;
        }
        System.out.println("| change | test accuracy | s per epoch |");
        System.out.println("|---|---|---|");
        for (Variant v : variants) {
            MultiLayerNetwork net = KerasToDl4j.build(v.model());
            History h = Trainer.fit(net, mnist.train(), v.fit());
            double accuracy = Evaluator.evaluate(net, mnist.test()).accuracy();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.2f%% | %.1f |%n",
                    v.name(),
                    accuracy * 100,
                    h.totalSeconds() / h.epochs().size());
        }
    }

    /** Seconds to produce one epoch of 128-image batches, with or without augmentation (the best of 3). */
    private static double readEpoch(Mnist mnist, Augmentation augmentation) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            DataSetIterator batches =
                    MnistIterators.over(new MnistRecordReader(mnist.train(), true, 1).augment(augmentation), 128);
            long start = System.nanoTime();
            while (batches.hasNext()) {
                batches.next();
            }
            best = Math.min(best, (System.nanoTime() - start) / 1e9);
        }
        return best;
    }
}
