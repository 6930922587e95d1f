package dev.kerasmnist.cli;

import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.serving.ModelServer;
import dev.kerasmnist.serving.ServeConfig;
import dev.kerasmnist.training.Recipe;
import dev.kerasmnist.training.TrainingRun;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Serves a model over HTTP until Ctrl-C or SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over HTTP: POST /v1/predict (image or JSON pixels), GET /v1/model, /healthz, "
                + "/readyz, /metrics, and a draw-a-digit page at /. Ctrl-C or SIGTERM stops it gracefully.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--model", paramLabel = "FILE", description = "Saved model (default: ${DEFAULT-VALUE}; trained "
            + "first if it does not exist yet).")
    Path model = ModelFiles.DEFAULT.zip();

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
        boolean defaultModel = !command.commandLine().getParseResult().hasMatchedOption("--model");
        if (defaultModel && !Files.exists(model)) {
            out.println("No model at " + model + " yet: training the tutorial's model first (keras-mnist train).");
            Terminal.warnIfSpinning(out);
            TrainingRun.Result trained = TrainingRun.fresh(Recipe.TUTORIAL, FitSpec.DEFAULT_SEED).saveTo(model)
                    .output(out, Terminal.interactive()).commandLine(Main.commandLine(command)).run(data.load(true, out));
            out.printf(Locale.ROOT, "Trained in %.1f s (%s); saved %s%n", trained.history().totalSeconds(),
                    TestResult.comparisonLine(trained.test().accuracy()), model);
        }
        ServeConfig config = config();
        ModelServer server = ModelServer.start(model, config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "serve-shutdown"));
        out.println("Serving " + model + " (sha256 " + server.modelId().get("sha256").substring(0, 12) + "...) on "
                + server.uri() + (!config.batching() ? " (one request per forward pass)" : " (concurrent requests "
                + "batched, up to " + config.maxBatch() + " images" + (maxWaitMs > 0 ? ", waiting up to " + maxWaitMs
                + " ms for more" : "") + ")") + ". Ctrl-C stops.");
        out.flush();
        server.awaitStop();
        return 0;
    }

    private ServeConfig config() {
        try {
            return ServeConfig.DEFAULTS.host(host).port(port).batching(!noBatching).maxBatch(maxBatch)
                    .maxWait(Duration.ofNanos((long) (maxWaitMs * 1e6)));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(), e.getMessage());
        }
    }
}
