package dev.kerasmnist.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * Keras's {@code BackupAndRestore}: after every epoch, the network, its optimiser state and what resuming needs go
 * to {@link Checkpoints} (atomically; the run's state in {@link Checkpoints.State}), with the best weights of an
 * {@link EarlyStopping} given to it saved first. {@link TrainingRun#resume} restores from them.
 *
 * <p>Saving and {@link #epochsSaved()} hold one lock, so that a shutdown hook reading it never sees a checkpoint
 * half-written.
 */
public final class BackupAndRestore implements Callback {
    private final Checkpoints checkpoints;
    private final Function<History, Checkpoints.State> state;
    private final EarlyStopping early;
    private final History done;
    private int saved;

    /**
     * @param state       the state to save, given the whole history so far
     * @param done        the epochs before this fit (a resumed run's), to which this fit's are added
     * @param epochsSaved how many epochs the checkpoints on disk hold already
     * @param early       the run's early stopping, or null for none
     */
    public BackupAndRestore(
            Checkpoints checkpoints,
            Function<History, Checkpoints.State> state,
            History done,
            int epochsSaved,
            EarlyStopping early) {
        this.checkpoints = checkpoints;
        this.state = state;
        this.early = early;
        this.done = done;
        this.saved = epochsSaved;
    }

    @Override
    public synchronized void onEpochEnd(EpochStats epoch, TrainingContext context) {
        History soFar = done.plus(context.history());
        try {
            if (early != null && early.bestEpoch() == epoch.epoch()) {
                checkpoints.saveBest(early.bestParams());
            }
            checkpoints.save(context.network(), state.apply(soFar));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write a checkpoint in " + checkpoints.dir() + ": " + e.getMessage(), e);
        }
        saved = soFar.epochs().size();
    }

    /** Epochs that the checkpoints on disk hold. */
    public synchronized int epochsSaved() {
        return saved;
    }

    public Checkpoints checkpoints() {
        return checkpoints;
    }
}
