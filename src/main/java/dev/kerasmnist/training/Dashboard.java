package dev.kerasmnist.training;

import dev.kerasmnist.failures.Failure;
import dev.kerasmnist.failures.FailureException;
import dev.kerasmnist.failures.Remedy;
import java.util.List;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;

/**
 * DL4J's own training dashboard ({@code deeplearning4j-ui}): its {@code UIServer} on a port, fed by a
 * {@code StatsListener} through in-memory storage. Open {@link #url()} while training runs: score, update ratios,
 * activations and parameters per layer, as {@code http://localhost:9000/train/overview}. As a callback (DL4J's
 * counterpart of Keras's {@code TensorBoard} callback) it feeds the dashboard during the fit it is given to.
 */
public final class Dashboard implements Callback, AutoCloseable {
    /** DL4J's default port. */
    public static final int DEFAULT_PORT = 9000;
    /** Statistics every 10 iterations: every one would slow the tutorial's short steps measurably. */
    private static final int REPORT_EVERY = 10;

    private final UIServer server;
    private final StatsStorage storage = new InMemoryStatsStorage();

    private Dashboard(UIServer server) {
        this.server = server;
        server.attach(storage);
    }

    /**
     * Starts DL4J's UI server on {@code port} (DL4J reads the port from a system property when the singleton starts).
     *
     * @throws IllegalStateException if the server cannot start, e.g. the port is taken
     */
    public static Dashboard start(int port) {
        System.setProperty("org.deeplearning4j.ui.port", Integer.toString(port));
        try {
            return new Dashboard(UIServer.getInstance());
        } catch (RuntimeException e) {
            throw new FailureException(
                    Failure.Kind.ENVIRONMENT,
                    "DL4J's training dashboard could not start on port " + port + " (" + e + ")",
                    List.of(new Remedy.OtherPort(Remedy.OtherPort.Listener.DASHBOARD)),
                    e);
        }
    }

    private TrainingListener listener;

    /** The listener to add to a network trained without {@link Trainer}. */
    public TrainingListener listener() {
        return new StatsListener(storage, REPORT_EVERY);
    }

    @Override
    public void onTrainBegin(TrainingContext context) {
        listener = listener();
        context.network().addListeners(listener);
    }

    @Override
    public void onTrainEnd(TrainingContext context) {
        List<TrainingListener> rest = Trainable.listeners(context.network());
        rest.remove(listener); // the saved model carries none
        context.network().setListeners(rest);
    }

    public String url() {
        return "http://localhost:" + server.getPort() + "/train/overview";
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        try {
            UIServer.stopInstance();
        } catch (Exception e) { // DL4J declares Exception; stopping a server we started has nothing to recover
            throw new IllegalStateException("stopping DL4J's dashboard failed: " + e, e);
        }
    }
}
