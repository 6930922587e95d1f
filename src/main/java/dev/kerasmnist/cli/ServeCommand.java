package dev.kerasmnist.cli;

import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.inference.Engine;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.serving.ModelServer;
import dev.kerasmnist.serving.ServeConfig;
import dev.kerasmnist.training.Recipe;
import dev.kerasmnist.training.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Serves a model over HTTP until Ctrl-C or SIGTERM. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve models over HTTP: POST /v1/predict (image or JSON pixels), /v1/models/NAME/predict, "
                + "GET /v1/models, POST /v1/models/NAME/reload, GET /v1/model, /healthz, /readyz, /metrics, and a "
                + "draw-a-digit page at /. Ctrl-C or SIGTERM stops it cleanly (/readyz 503, --stop-grace, --drain, "
                + "exit 0); SIGHUP reloads the model files.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = "Saved model; repeat to serve several, each at "
                    + "/v1/models/NAME/predict (NAME: the file name without .zip), the first also at /v1/predict (default: "
                    + "models/mnist-mlp.zip, trained first if it does not exist yet).")
    List<Path> models = new ArrayList<>();

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "Require 'Authorization: Bearer TOKEN' on the "
                    + "API and /metrics, TOKEN being this file's contents (at least 16 characters); /healthz, /readyz and the "
                    + "page's files stay open.")
    Path tokenFile;

    @Option(
            names = "--tls-keystore",
            paramLabel = "FILE",
            description = "Serve HTTPS with this PKCS#12 or JKS keystore (needs --tls-password-file).")
    Path tlsKeystore;

    @Option(names = "--tls-password-file", paramLabel = "FILE", description = "The keystore's password.")
    Path tlsPasswordFile;

    @Option(names = "--insecure", description = "Allow a non-loopback --host without --token-file.")
    boolean insecure;

    @Option(
            names = "--host",
            description = "Address to listen on (default: ${DEFAULT-VALUE}: this machine only; "
                    + "0.0.0.0 for every interface).")
    String host = ServeConfig.DEFAULT_HOST;

    @Option(names = "--port", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port = ServeConfig.DEFAULT_PORT;

    @Option(
            names = "--max-batch",
            paramLabel = "N",
            description = "Most images coalesced into one forward pass (default: ${DEFAULT-VALUE}).")
    int maxBatch = ServeConfig.DEFAULT_MAX_BATCH;

    @Option(
            names = "--max-wait-ms",
            paramLabel = "MS",
            description = "How long a request waits for others to join its batch (default: ${DEFAULT-VALUE}).")
    double maxWaitMs = ServeConfig.DEFAULT_MAX_WAIT.toNanos() / 1e6;

    @Mixin
    EngineOption engine = new EngineOption();

    @Option(names = "--no-batching", description = "One synchronised forward pass per request (the baseline).")
    boolean noBatching;

    @Option(
            names = "--body-timeout",
            paramLabel = "SECONDS",
            description = "Deadline for a whole request body, "
                    + "however it trickles in (default: ${DEFAULT-VALUE}); past it, 408.")
    double bodyTimeout = ServeConfig.Timing.DEFAULTS.body().toMillis() / 1000.0;

    @Option(
            names = "--stop-grace",
            paramLabel = "SECONDS",
            description = "On SIGTERM, how long /readyz answers 503 "
                    + "while requests are still served, before the port closes (default: ${DEFAULT-VALUE}).")
    double stopGrace = ServeConfig.Timing.DEFAULTS.grace().toMillis() / 1000.0;

    @Option(
            names = "--drain",
            paramLabel = "SECONDS",
            description = "Then how long requests in flight may take to "
                    + "finish before they are cut (default: ${DEFAULT-VALUE}).")
    double drain = ServeConfig.Timing.DEFAULTS.drain().toMillis() / 1000.0;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        ServeConfig config = config(); // bad options, keystore and token fail before anything is trained or loaded
        if (!config.loopbackOnly()
                && config.access().token().isPresent()
                && config.access().tls().isEmpty()) {
            PrintWriter err = command.commandLine().getErr();
            err.println("warning: the token travels in clear text on " + host + ": add --tls-keystore FILE "
                    + "--tls-password-file FILE, or keep serve on 127.0.0.1 behind a proxy that terminates TLS");
            err.flush();
        }
        if (models.isEmpty()) {
            Path model = ModelFiles.DEFAULT.zip();
            if (!Files.exists(model)) {
                out.println("No model at " + model + " yet: training the tutorial's model first (keras-mnist train).");
                Terminal.warnIfSpinning(out);
                TrainingRun.Result trained = TrainingRun.fresh(Recipe.TUTORIAL, FitSpec.DEFAULT_SEED)
                        .saveTo(model)
                        .output(out, Terminal.interactive())
                        .commandLine(Main.commandLine(command))
                        .run(data.load(true, out));
                out.printf(
                        Locale.ROOT,
                        "Trained in %.1f s (%s); saved %s%n",
                        trained.history().totalSeconds(),
                        TestResult.comparisonLine(trained.test().accuracy()),
                        model);
            }
            models.add(model);
        }
        ModelServer server;
        try {
            server = ModelServer.start(models, config);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), Remedies.line(e));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "serve-shutdown")); // other exits
        stopOnSignals(server, out);
        boolean hup = reloadOnSighup(server, out);
        out.println("Serving " + String.join(", ", server.modelNames()) + " (" + models.get(0) + ", sha256 "
                + server.modelId().get("sha256").substring(0, 12) + "...) on " + server.uri()
                + (!config.batching()
                        ? " (one request per forward pass)"
                        : " (concurrent requests batched, up to "
                                + config.maxBatch() + " images"
                                + (maxWaitMs > 0 ? ", waiting up to " + maxWaitMs + " ms for more" : "") + ")")
                + (config.engine() != Engine.DL4J ? ", forward passes on " + server.engine() : "")
                + (config.access().token().isPresent() ? ", token required" : "")
                + ". Ctrl-C stops" + (hup ? "; SIGHUP reloads the model files." : "."));
        out.flush();
        server.awaitStop();
        out.println("Stopped.");
        return 0; // a clean stop, signalled or not, exits 0
    }

    /**
     * SIGTERM and Ctrl-C stop the server cleanly ({@link ModelServer#close()}: not ready, grace, drain) and the
     * process exits 0, not 143; a second signal while it drains stops at once.
     */
    private static void stopOnSignals(ModelServer server, PrintStream out) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : List.of("TERM", "INT")) {
            try {
                Signals.handle(name, number -> {
                    if (!stopping.compareAndSet(false, true)) {
                        Runtime.getRuntime().halt(128 + number);
                    }
                    out.println("SIG" + name + ": /readyz now answers 503; stopping (" + name.toLowerCase(Locale.ROOT)
                            + " again to stop at once)");
                    out.flush();
                    new Thread(server::close, "serve-stop").start();
                });
            } catch (IllegalArgumentException notHere) { // left to the shutdown hook
                out.println("note: no SIG" + name + " handler here; the JVM's shutdown still drains requests");
            }
        }
    }

    /**
     * {@code kill -HUP PID} reloads every model file that changed, as servers conventionally do.
     *
     * @return whether SIGHUP reloads: not where it does not exist (Windows), nor where it is ignored (under
     *         {@code nohup}, whose choice the JVM keeps)
     */
    private static boolean reloadOnSighup(ModelServer server, PrintStream out) {
        try {
            boolean ignoredBefore = Signals.handle("HUP", number -> {
                List<String> reloaded = server.reloadAll();
                out.println("SIGHUP: reloaded " + (reloaded.isEmpty() ? "none" : String.join(", ", reloaded)) + " of "
                        + String.join(", ", server.modelNames()) + " (GET /v1/models says why not)");
            });
            if (ignoredBefore) {
                out.println("note: SIGHUP is ignored here (started under nohup?), so it does not reload; reload with "
                        + "POST /v1/models/NAME/reload");
                return false;
            }
            return true;
        } catch (IllegalArgumentException noSuchSignal) { // Windows has no SIGHUP: POST /v1/models/NAME/reload
            out.println("note: no SIGHUP here; reload with POST /v1/models/NAME/reload");
            return false;
        }
    }

    private ServeConfig config() throws IOException {
        try {
            ServeConfig.Access access = ServeConfig.Access.OPEN.insecure(insecure);
            if (tokenFile != null) {
                access = access.token(secret(tokenFile, "--token-file"));
            }
            if (tlsKeystore != null || tlsPasswordFile != null) {
                if (tlsKeystore == null || tlsPasswordFile == null || !Files.isRegularFile(tlsKeystore)) {
                    throw new IllegalArgumentException("HTTPS needs both --tls-keystore FILE (an existing keystore) "
                            + "and --tls-password-file FILE");
                }
                ServeConfig.Tls tls = new ServeConfig.Tls(tlsKeystore, secret(tlsPasswordFile, "--tls-password-file"));
                openKeystore(tls);
                access = access.tls(tls);
            }
            return ServeConfig.DEFAULTS
                    .host(host)
                    .port(port)
                    .batching(!noBatching)
                    .maxBatch(maxBatch)
                    .maxWait(Duration.ofNanos((long) (maxWaitMs * 1e6)))
                    .access(access)
                    .engine(engine.engine)
                    .timing(new ServeConfig.Timing(seconds(bodyTimeout), seconds(stopGrace), seconds(drain)));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), Remedies.line(e));
        }
    }

    /**
     * Opens the keystore as Jetty will, so that a wrong password or a file that is not a keystore is one line
     * naming the options now, not Jetty's "Failed to start" after the model has loaded.
     */
    private static void openKeystore(ServeConfig.Tls tls) {
        try {
            KeyStore store =
                    KeyStore.getInstance(tls.keystore().toFile(), tls.password().toCharArray());
            if (store.size() == 0) {
                throw new IllegalArgumentException("--tls-keystore " + tls.keystore() + " holds no key and "
                        + "certificate: create one with keytool -genkeypair");
            }
        } catch (IOException | GeneralSecurityException e) {
            boolean password = e.getCause() instanceof UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).contains("password");
            throw new IllegalArgumentException("--tls-keystore " + tls.keystore() + " cannot be opened: "
                    + (password
                            ? "the password in --tls-password-file does not open it"
                            : "it is not a PKCS#12 or JKS keystore")
                    + " (" + e.getMessage() + ")");
        }
    }

    private static Duration seconds(double value) {
        return Duration.ofMillis(Math.round(value * 1000));
    }

    /** A secret read from a file, surrounding whitespace (the editor's newline) dropped; never printed. */
    private static String secret(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + " " + file + " is not a file");
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) { // unreadable, or not text
            throw new IllegalArgumentException(option + " " + file + " cannot be read (" + e.getMessage() + ")");
        }
    }
}
