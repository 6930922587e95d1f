package dev.kerasmnist.training;

import dev.kerasmnist.model.EarlyStoppingSpec;
import java.io.PrintStream;
import java.util.Locale;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code EarlyStopping(monitor="val_loss", patience, restore_best_weights=True)} callback with its defaults
 * ({@code mode="min"}, {@code min_delta=0}, no baseline), step for step as Keras's {@code on_epoch_end}: an epoch
 * improves when its val_loss is below the best so far; after {@code patience} epochs without improvement (and never
 * after the first epoch) training stops and the weights of the best epoch are restored. As in Keras, a run that
 * uses all its epochs keeps the last weights. Only the weights are restored, not the optimizer's state.
 *
 * <p>{@link Trainer#fit} adds one for {@code FitSpec.earlyStopping()} unless one is given, e.g. a
 * {@link #resumed} one.
 */
public final class EarlyStopping implements Callback {
    private final int patience;
    private final PrintStream verbose;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int wait;
    private INDArray bestParams;
    private int stoppedEpoch;

    /**
     * @param verbose where Keras's {@code verbose=1} message goes when it stops; null: nowhere
     */
    public EarlyStopping(EarlyStoppingSpec spec, PrintStream verbose) {
        this.patience = spec.patience();
        this.verbose = verbose;
    }

    public EarlyStopping(EarlyStoppingSpec spec) {
        this(spec, null);
    }

    /**
     * The state after the epochs in {@code done} (a resumed run), with the best epoch's parameters as checkpointed.
     */
    public static EarlyStopping resumed(
            EarlyStoppingSpec spec, PrintStream verbose, History done, INDArray bestParams) {
        EarlyStopping e = new EarlyStopping(spec, verbose);
        for (EpochStats epoch : done.epochs()) {
            e.observe(epoch.epoch(), epoch.valLoss());
        }
        e.bestParams = bestParams;
        return e;
    }

    /** Records an improvement (keeping a copy of the weights), or stops and restores the best epoch's weights. */
    @Override
    public void onEpochEnd(EpochStats epoch, TrainingContext context) {
        Model net = context.network();
        if (bestParams == null) {
            bestParams = net.params().dup(); // Keras keeps the first epoch's weights as a start
        }
        if (observe(epoch.epoch(), epoch.valLoss())) {
            bestParams = net.params().dup();
            return;
        }
        if (stoppedEpoch == 0) {
            return;
        }
        net.setParams(bestParams);
        context.stopTraining();
        if (verbose != null) {
            verbose.println(String.format(
                    Locale.ROOT,
                    "Epoch %d: early stopping. Restored the weights of epoch %d (val_loss %.4f).",
                    epoch.epoch(),
                    bestEpoch,
                    best));
        }
    }

    /** Keras's bookkeeping; returns whether the epoch improved. Epochs count from 1 here, from 0 in Keras. */
    private boolean observe(int epoch, double valLoss) {
        wait++;
        if (valLoss < best) {
            best = valLoss;
            bestEpoch = epoch;
            wait = 0;
            return true;
        }
        if (wait >= patience && epoch > 1) {
            stoppedEpoch = epoch;
        }
        return false;
    }

    public int bestEpoch() {
        return bestEpoch;
    }

    public double best() {
        return best;
    }

    /** The epoch that stopped training, or 0 while it goes on. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The best epoch's parameters (to checkpoint), or null before the first epoch. */
    public INDArray bestParams() {
        return bestParams;
    }
}
