package dev.kerasmnist.training;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code EarlyStopping(monitor="val_loss", patience, restore_best_weights=True)} with its defaults
 * ({@code mode="min"}, {@code min_delta=0}, no baseline), step for step as Keras's {@code on_epoch_end}: an epoch
 * improves when its val_loss is below the best so far; after {@code patience} epochs without improvement (and never
 * after the first epoch) training stops and the weights of the best epoch are restored. As in Keras, a run that
 * uses all its epochs keeps the last weights. Only the weights are restored, not the optimizer's state.
 */
public final class EarlyStopping {
    private final int patience;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int wait;
    private INDArray bestParams;
    private int stoppedEpoch;

    public EarlyStopping(int patience) {
        this.patience = patience;
    }

    /**
     * The state after the epochs in {@code done} (a resumed run), with the best epoch's parameters as checkpointed.
     */
    public static EarlyStopping resumed(int patience, History done, INDArray bestParams) {
        EarlyStopping e = new EarlyStopping(patience);
        for (EpochStats epoch : done.epochs()) {
            e.observe(epoch.epoch(), epoch.valLoss());
        }
        e.bestParams = bestParams;
        return e;
    }

    /**
     * After an epoch: records an improvement (keeping a copy of the weights), or decides to stop.
     *
     * @return whether training stops here; if so the network holds the best epoch's weights again
     */
    boolean epochEnd(MultiLayerNetwork net, EpochStats epoch) {
        if (bestParams == null) {
            bestParams = net.params().dup(); // Keras keeps the first epoch's weights as a start
        }
        if (observe(epoch.epoch(), epoch.valLoss())) {
            bestParams = net.params().dup();
            return false;
        }
        if (stoppedEpoch == 0) {
            return false;
        }
        net.setParams(bestParams);
        return true;
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
