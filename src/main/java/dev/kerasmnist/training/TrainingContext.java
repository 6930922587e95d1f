package dev.kerasmnist.training;

import dev.kerasmnist.model.FitSpec;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;

/** What callbacks see of a fit in progress: the network, the settings, the epochs so far; and a way to stop. */
public final class TrainingContext {
    private final Model net;
    private final FitSpec fit;
    private final int stepsPerEpoch;
    private final List<EpochStats> epochs = new ArrayList<>();
    private boolean stop;

    TrainingContext(Model net, FitSpec fit, int stepsPerEpoch) {
        this.net = net;
        this.fit = fit;
        this.stepsPerEpoch = stepsPerEpoch;
    }

    /** A {@link org.deeplearning4j.nn.multilayer.MultiLayerNetwork} or a Functional graph's ComputationGraph. */
    public Model network() {
        return net;
    }

    public FitSpec fit() {
        return fit;
    }

    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** The epochs this fit has completed (those before {@code initialEpoch} are not in it, as in Keras). */
    public History history() {
        return new History(epochs);
    }

    /** Keras's {@code model.stop_training = True}: the fit ends after the current epoch's callbacks. */
    public void stopTraining() {
        stop = true;
    }

    boolean stopRequested() {
        return stop;
    }

    void completed(EpochStats epoch) {
        epochs.add(epoch);
    }
}
