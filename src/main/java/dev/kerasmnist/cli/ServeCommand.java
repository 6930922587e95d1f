package dev.kerasmnist.cli;

import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.serving.ModelServer;
import dev.kerasmnist.serving.ServeConfig;
import dev.kerasmnist.training.Recipe;
import dev.kerasmnist.training.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** Serves a model over HTTP until Ctrl-C or SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve models over HTTP: POST /v1/predict (image or JSON pixels), /v1/models/NAME/predict, "
                + "GET /v1/models, POST /v1/models/NAME/reload, GET /v1/model, /healthz, /readyz, /metrics, and a "
                + "draw-a-digit page at /. Ctrl-C or SIGTERM stops it gracefully; SIGHUP reloads the model files.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--model", paramLabel = "FILE", description = "Saved model; repeat to serve several, each at "
            + "/v1/models/NAME/predict (NAME: the file name without .zip), the first also at /v1/predict (default: "
            + "models/mnist-mlp.zip, trained first if it does not exist yet).")
    List<Path> models = new ArrayList<>();

    @Option(names = "--token-file", paramLabel = "FILE", description = "Require 'Authorization: Bearer TOKEN' on the "
            + "API and /metrics, TOKEN being this file's contents (at least 16 characters); /healthz, /readyz and the "
            + "page's files stay open.")
    Path tokenFile;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "Serve HTTPS with this PKCS#12 or JKS "
            + "keystore (needs --tls-password-file).")
    Path tlsKeystore;

    @Option(names = "--tls-password-file", paramLabel = "FILE", description = "The keystore's password.")
    Path tlsPasswordFile;

    @Option(names = "--insecure", description = "Allow a non-loopback --host without --token-file.")
    boolean insecure;

    @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}: this machine only; "
            + "0.0.0.0 for every interface).")
    String host = ServeConfig.DEFAULT_HOST;

    @Option(names = "--port", description = "Port (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port = ServeConfig.DEFAULT_PORT;

    @Option(names = "--max-batch", paramLabel = "N", description = "Most images coalesced into one forward pass "
            + "(default: ${DEFAULT-VALUE}).")
    int maxBatch = ServeConfig.DEFAULT_MAX_BATCH;

    @Option(names = "--max-wait-ms", paramLabel = "MS", description = "How long a request waits for others to join "
            + "its batch (default: ${DEFAULT-VALUE}).")
    double maxWaitMs = ServeConfig.DEFAULT_MAX_WAIT.toNanos() / 1e6;

    @Option(names = "--no-batching", description = "One synchronised forward pass per request (the baseline).")
    boolean noBatching;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        ServeConfig config = config(); // bad options fail before anything is trained or loaded
        if (models.isEmpty()) {
            Path model = ModelFiles.DEFAULT.zip();
            if (!Files.exists(model)) {
                out.println("No model at " + model + " yet: training the tutorial's model first (keras-mnist train).");
                Terminal.warnIfSpinning(out);
                TrainingRun.Result trained = TrainingRun.fresh(Recipe.TUTORIAL, FitSpec.DEFAULT_SEED).saveTo(model)
                        .output(out, Terminal.interactive()).commandLine(Main.commandLine(command))
                        .run(data.load(true, out));
                out.printf(Locale.ROOT, "Trained in %.1f s (%s); saved %s%n", trained.history().totalSeconds(),
                        TestResult.comparisonLine(trained.test().accuracy()), model);
            }
            models.add(model);
        }
        ModelServer server;
        try {
            server = ModelServer.start(models, config);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "serve-shutdown"));
        reloadOnSighup(server, out);
        out.println("Serving " + String.join(", ", server.modelNames()) + " (" + models.get(0) + ", sha256 "
                + server.modelId().get("sha256").substring(0, 12) + "...) on " + server.uri()
                + (!config.batching() ? " (one request per forward pass)" : " (concurrent requests batched, up to "
                + config.maxBatch() + " images" + (maxWaitMs > 0 ? ", waiting up to " + maxWaitMs + " ms for more"
                : "") + ")") + (config.access().token().isPresent() ? ", token required" : "")
                + ". Ctrl-C stops; SIGHUP reloads the model files.");
        out.flush();
        server.awaitStop();
        return 0;
    }

    /** {@code kill -HUP PID} reloads every model file that changed, as servers conventionally do. */
    private static void reloadOnSighup(ModelServer server, PrintStream out) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                List<String> reloaded = server.reloadAll();
                out.println("SIGHUP: reloaded " + (reloaded.isEmpty() ? "none" : String.join(", ", reloaded))
                        + " of " + String.join(", ", server.modelNames()) + " (GET /v1/models says why not)");
            });
        } catch (IllegalArgumentException noSuchSignal) { // Windows has no SIGHUP: POST /v1/models/NAME/reload
            out.println("note: no SIGHUP here; reload with POST /v1/models/NAME/reload");
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
                access = access.tls(new ServeConfig.Tls(tlsKeystore, secret(tlsPasswordFile, "--tls-password-file")));
            }
            return ServeConfig.DEFAULTS.host(host).port(port).batching(!noBatching).maxBatch(maxBatch)
                    .maxWait(Duration.ofNanos((long) (maxWaitMs * 1e6))).access(access);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
    }

    /** A secret read from a file, surrounding whitespace (the editor's newline) dropped; never printed. */
    private static String secret(Path file, String option) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + " " + file + " is not a file");
        }
        return Files.readString(file).strip();
    }
}
