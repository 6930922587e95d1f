package dev.kerasmnist.bench;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Epoch time of the DataVec pipeline (MnistRecordReader + RecordReaderDataSetIterator) against the same epochs
 * fed from mini-batches preloaded in memory (both through {@code MultiLayerNetwork.fit(iterator)}). Run by hand (see README, Performance):
 * {@code java -cp ... dev.kerasmnist.bench.PipelineBenchmark [data dir] [rounds]}.
 */
public final class PipelineBenchmark {
    public static void main(String[] args) throws Exception {
        Mnist mnist = Mnist.load(Path.of(args.length > 0 ? args[0] : "data/mnist"));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        MnistSplit train = mnist.train();
        // Preloaded: all batches built once, then only shuffled in order.
        List<DataSet> preloaded = new ArrayList<>();
        DataSetIterator once = MnistIterators.inOrder(train, 128);
        while (once.hasNext()) {
            preloaded.add(once.next());
        }
        // One network per feed, epochs alternating so that both see the same machine state; epoch 1 warms up.
        MultiLayerNetwork viaPipeline = KerasToDl4j.build(ModelSpec.tutorial(1));
        MultiLayerNetwork viaMemory = KerasToDl4j.build(ModelSpec.tutorial(1));
        DataSetIterator pipeline = MnistIterators.training(train, 128, 1);
        Random random = new Random(1);
        double[] p = new double[rounds];
        double[] m = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            // Alternate which feed goes first, so that neither always runs on a warmer machine.
            for (int k = 0; k < 2; k++) {
                if ((k + r) % 2 == 0) {
                    pipeline.reset();
                    long t0 = System.nanoTime();
                    viaPipeline.fit(pipeline);
                    p[r] = (System.nanoTime() - t0) / 1e9;
                } else {
                    Collections.shuffle(preloaded, random);
                    long t1 = System.nanoTime();
                    viaMemory.fit(new ExistingDataSetIterator(preloaded));
                    m[r] = (System.nanoTime() - t1) / 1e9;
                }
            }
            System.out.printf("epoch %d: DataVec pipeline %.2f s, preloaded batches %.2f s%n", r + 1, p[r], m[r]);
        }
        double ps = 0;
        double ms = 0;
        for (int r = 1; r < rounds; r++) {
            ps += p[r];
            ms += m[r];
        }
        System.out.printf(
                "epochs 2..%d: pipeline %.2f s, preloaded %.2f s, overhead %+.1f%%%n",
                rounds, ps, ms, 100 * (ps - ms) / ms);
    }
}
