package dev.kerasmnist.training;

import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistRecordReader;
import dev.kerasmnist.data.MnistSplit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
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
        try {
            return fit(net, train, fit, progress, new History(List.of()), (n, h) -> { });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the no-op callback does no I/O
        }
    }

    /** Called after every completed epoch, e.g. to write a checkpoint. */
    @FunctionalInterface
    public interface EpochEnd {
        void completed(MultiLayerNetwork net, History soFar) throws IOException;
    }

    /**
     * Trains the epochs after those in {@code done} (none for a fresh run; the checkpointed ones when resuming),
     * calling {@code onEpochEnd} after each. Epoch {@code k} sees the same shuffled order whether the run started
     * from scratch or was resumed.
     */
    public static History fit(MultiLayerNetwork net, MnistSplit train, FitSpec fit, KerasProgress progress,
                              History done, EpochEnd onEpochEnd) throws IOException {
        EarlyStopping early = fit.earlyStopping() == null ? null : new EarlyStopping(fit.earlyStopping());
        return fit(net, train, fit, progress, done, early, onEpochEnd);
    }

    /**
     * As above, with the early-stopping state given (a resumed run's, or one the caller checkpoints).
     *
     * @param early null when {@code fit} has no early stopping
     */
    public static History fit(MultiLayerNetwork net, MnistSplit train, FitSpec fit, KerasProgress progress,
                              History done, EarlyStopping early, EpochEnd onEpochEnd) throws IOException {
        MnistSplit limited = train.first(fit.limit());
        // Keras's validation_split: the last examples, taken before any shuffling, never trained on.
        int splitAt = fit.splitAt(limited.size());
        MnistSplit data = limited.first(splitAt);
        MnistSplit validation = splitAt < limited.size() ? limited.range(splitAt, limited.size()) : null;
        MnistRecordReader reader = new MnistRecordReader(data, true, fit.seed()).augment(fit.augmentation());
        DataSetIterator batches = MnistIterators.over(reader, fit.batchSize());
        int steps = (data.size() + fit.batchSize() - 1) / fit.batchSize();
        KerasMetricsListener metrics = new KerasMetricsListener(progress::batchEnd);
        List<TrainingListener> callers = net.getListeners() == null ? new ArrayList<>()
                : new ArrayList<>(net.getListeners()); // e.g. a benchmark's timer
        List<TrainingListener> all = new ArrayList<>(callers);
        all.add(metrics);
        net.setListeners(all);
        List<EpochStats> epochs = new ArrayList<>(done.epochs());
        try {
            for (int epoch = epochs.size() + 1; epoch <= fit.epochs(); epoch++) {
                if (fit.learningRateDecay() != null && epoch > 1) {
                    // from the network's current rate, so a resumed run continues the same sequence
                    net.setLearningRate(learningRate(net) * fit.learningRateDecay());
                }
                progress.epochStart(epoch, fit.epochs(), steps);
                metrics.startEpoch(epoch);
                reader.resumeAt(epoch); // this epoch's permutation, as Keras's shuffle=True draws a new one
                batches.reset();
                long start = System.nanoTime();
                net.fit(batches);
                Validation.Score val = validation == null ? null : Validation.score(net, validation);
                double seconds = (System.nanoTime() - start) / 1e9; // as Keras, validation included
                progress.epochEnd(val);
                EpochStats stats = new EpochStats(epoch, metrics.loss(), metrics.accuracy(), seconds,
                        val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy());
                epochs.add(stats);
                boolean stop = early != null && early.epochEnd(net, stats);
                net.setListeners(callers); // the checkpoint carries no listener of ours
                onEpochEnd.completed(net, new History(epochs));
                net.setListeners(all);
                if (stop) {
                    progress.note(String.format(java.util.Locale.ROOT, "Epoch %d: early stopping. Restored the "
                            + "weights of epoch %d (val_loss %.4f).", epoch, early.bestEpoch(), early.best()));
                    break;
                }
            }
        } finally {
            progress.abandon();
            net.setListeners(callers); // the saved model carries no listener of ours
        }
        return new History(epochs);
    }

    /** The current learning rate (all layers share it; pooling and dropout layers have none). */
    private static double learningRate(MultiLayerNetwork net) {
        for (int i = 0; i < net.getnLayers(); i++) {
            if (net.getLayer(i).numParams() > 0) {
                return net.getLearningRate(i);
            }
        }
        throw new IllegalStateException("the network has no trainable layer");
    }
}
