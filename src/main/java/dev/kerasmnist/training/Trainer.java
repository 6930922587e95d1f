package dev.kerasmnist.training;

import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistSplit;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** Keras's {@code model.fit}: trains a network on MNIST for some epochs of shuffled mini-batches. */
public final class Trainer {
    private Trainer() {
    }

    /**
     * Trains {@code net} in place and returns the per-epoch history.
     *
     * @throws TrainingDivergedException as soon as a batch's loss is NaN or infinite
     */
    public static History fit(MultiLayerNetwork net, MnistSplit train, FitSpec fit, KerasProgress progress) {
        MnistSplit data = train.first(fit.limit());
        DataSetIterator batches = MnistIterators.training(data, fit.batchSize(), fit.seed());
        int steps = (data.size() + fit.batchSize() - 1) / fit.batchSize();
        KerasMetricsListener metrics = new KerasMetricsListener(progress::batchEnd);
        net.setListeners(metrics);
        List<EpochStats> epochs = new ArrayList<>();
        try {
            for (int epoch = 1; epoch <= fit.epochs(); epoch++) {
                progress.epochStart(epoch, fit.epochs(), steps);
                metrics.startEpoch(epoch);
                batches.reset(); // a new permutation every epoch, as Keras's shuffle=True
                long start = System.nanoTime();
                net.fit(batches);
                double seconds = (System.nanoTime() - start) / 1e9;
                progress.epochEnd();
                epochs.add(new EpochStats(epoch, metrics.loss(), metrics.accuracy(), seconds));
            }
        } finally {
            net.setListeners(); // the saved model carries no listener of ours
        }
        return new History(epochs);
    }
}
