package dev.kerasmnist.training;

import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistRecordReader;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.FitSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** Keras's {@code model.fit}: trains a network on MNIST for some epochs of shuffled mini-batches. */
public final class Trainer {
    private Trainer() {}

    /**
     * Trains {@code net}, a {@link org.deeplearning4j.nn.multilayer.MultiLayerNetwork} or a
     * {@link org.deeplearning4j.nn.graph.ComputationGraph}, in place for the epochs after {@code fit.initialEpoch()} up to {@code fit.epochs()} and
     * returns their history, calling the callbacks in the order given. Epoch {@code k} sees the same shuffled order
     * whether the run started from scratch or was resumed. As Keras's {@code fit}, nothing is printed without a
     * {@link ProgbarLogger}, and a NaN loss stops nothing without {@link TerminateOnNaN}.
     *
     * <p>{@code fit}'s own callback settings are honoured: a {@link LearningRateScheduler} for
     * {@code learningRateDecay}, first, and an {@link EarlyStopping} for {@code earlyStopping}, last, unless an
     * {@code EarlyStopping} is among {@code callbacks} (a resumed one, or one placed before a checkpoint).
     */
    public static History fit(Model net, MnistSplit train, FitSpec fit, Callback... callbacks) {
        MnistSplit limited = train.first(fit.examples(train.size()));
        MnistSplit data = limited.first(fit.splitAt(limited.size()));
        MnistSplit validation = validationOf(limited, fit).orElse(null);
        MnistRecordReader reader = new MnistRecordReader(data, true, fit.seed())
                .augment(fit.augmentation().orElse(null));
        DataSetIterator batches = MnistIterators.over(reader, fit.batchSize());
        TrainingContext context = new TrainingContext(net, fit, (data.size() + fit.batchSize() - 1) / fit.batchSize());
        List<Callback> all = withFitsOwn(fit, callbacks);

        all.forEach(c -> c.onTrainBegin(context));
        KerasMetricsListener metrics = new KerasMetricsListener(
                (step, loss, mean, accuracy) -> all.forEach(c -> c.onBatchEnd(step, loss, mean, accuracy)));
        List<TrainingListener> callers = Trainable.listeners(net); // e.g. a benchmark's timer, DL4J's dashboard
        List<TrainingListener> withMetrics = new ArrayList<>(callers);
        withMetrics.add(metrics);
        try {
            for (int epoch = fit.initialEpoch() + 1; epoch <= fit.epochs() && !context.stopRequested(); epoch++) {
                for (Callback c : all) {
                    c.onEpochBegin(epoch, context);
                }
                metrics.startEpoch();
                reader.resumeAt(epoch); // this epoch's permutation, as Keras's shuffle=True draws a new one
                batches.reset();
                long start = System.nanoTime();
                net.setListeners(withMetrics);
                Trainable.fit(net, batches);
                net.setListeners(callers); // a checkpoint carries no listener of ours
                Validation.Score val = validation == null ? null : Validation.score(net, validation);
                double seconds = (System.nanoTime() - start) / 1e9; // as Keras, validation included
                EpochStats stats = new EpochStats(
                        epoch,
                        metrics.loss(),
                        metrics.accuracy(),
                        seconds,
                        val == null ? Double.NaN : val.loss(),
                        val == null ? Double.NaN : val.accuracy());
                context.completed(stats);
                for (Callback c : all) {
                    c.onEpochEnd(stats, context);
                }
            }
        } finally {
            net.setListeners(callers);
            all.forEach(c -> c.onTrainEnd(context));
        }
        return context.history();
    }

    /** The callbacks with those {@code fit}'s settings imply. */
    /**
     * The examples {@code fit} validates on: Keras's {@code validation_split}, the last ones of the (limited)
     * training set, taken before any shuffling and never trained on; empty without a split.
     */
    public static Optional<MnistSplit> validationData(MnistSplit train, FitSpec fit) {
        return validationOf(train.first(fit.examples(train.size())), fit);
    }

    private static Optional<MnistSplit> validationOf(MnistSplit limited, FitSpec fit) {
        int splitAt = fit.splitAt(limited.size());
        return splitAt < limited.size() ? Optional.of(limited.range(splitAt, limited.size())) : Optional.empty();
    }

    private static List<Callback> withFitsOwn(FitSpec fit, Callback... callbacks) {
        List<Callback> all = new ArrayList<>();
        fit.learningRateDecay().ifPresent(f -> all.add(LearningRateScheduler.decay(f)));
        all.addAll(List.of(callbacks));
        if (fit.earlyStopping().isPresent() && all.stream().noneMatch(EarlyStopping.class::isInstance)) {
            all.add(new EarlyStopping(fit.earlyStopping().get()));
        }
        return all;
    }
}
