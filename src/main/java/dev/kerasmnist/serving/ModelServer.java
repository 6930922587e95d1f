package dev.kerasmnist.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.Prediction;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelLoadException;
import dev.kerasmnist.model.ModelStore;
import io.javalin.Javalin;
import jakarta.servlet.DispatcherType;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained model behind HTTP: {@code POST /v1/predict}, {@code GET /v1/model}, {@code /healthz}, {@code /readyz},
 * {@code /metrics} and the draw-a-digit page at {@code /}. Every error is JSON {@code {"error": "..."}}.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.start(Path.of("models/mnist-mlp.zip"), ServeConfig.DEFAULTS)) {
 *     System.out.println(server.uri());
 *     server.awaitStop();
 * }
 * }</pre>
 */
public final class ModelServer implements AutoCloseable {
    /** How long a stop waits for requests in flight. */
    static final long STOP_TIMEOUT_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new Jdk8Module()).build(); // Optional settings in provenance

    private final ServeConfig config;
    private final Predictor predictor;
    private final ServerMetrics metrics;
    private final ObjectNode modelId;
    private final ObjectNode modelInfo;
    private final Javalin app;
    private volatile boolean ready;
    private volatile boolean stopped;

    private ModelServer(DigitClassifier classifier, Path model, ServeConfig config) throws IOException {
        this.config = config;
        this.modelId = JSON.createObjectNode()
                .put("file", model.getFileName().toString())
                .put("sha256", Mnist.sha256(Files.readAllBytes(model)));
        this.modelInfo = modelInfo(model, modelId);
        this.metrics = new ServerMetrics(this::queueDepth); // read at scrape time, once the predictor exists
        this.predictor = config.batching()
                ? new BatchingPredictor(classifier, config.maxBatch(), config.maxWait(), metrics::batch)
                : Predictor.direct(classifier, metrics::batch);
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.prefer405over404 = true;
            cfg.http.maxRequestSize = config.maxBodyBytes();
            cfg.jetty.multipartConfig.maxFileSize(config.maxBodyBytes(), io.javalin.config.SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxTotalRequestSize(config.maxBodyBytes(), io.javalin.config.SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxInMemoryFileSize((int) config.maxBodyBytes(), io.javalin.config.SizeUnit.BYTES);
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/dev/kerasmnist/serving/web";
                files.location = Location.CLASSPATH; // in the jar: nothing loads from elsewhere
            });
            cfg.requestLogger.http((ctx, ms) -> {
                if (ctx.req().getDispatcherType() == DispatcherType.REQUEST) { // not "/" forwarded to index.html
                    metrics.request(ctx.method().name(), ctx.path(), ctx.statusCode(), ms);
                }
            });
        });
        app.post("/v1/predict", this::predict);
        app.get("/v1/model", ctx -> send(ctx, HttpStatus.OK, modelInfo));
        app.get("/healthz", ctx -> send(ctx, HttpStatus.OK, JSON.createObjectNode().put("status", "ok")));
        app.get("/readyz", this::readyz);
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), message(e, ctx)));
        app.exception(Predictor.ServerBusyException.class, (e, ctx) -> error(ctx, 503, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "the server failed (" + e + "); the request was not predicted");
        });
    }

    /**
     * Loads the model, warms it up and starts listening.
     *
     * @throws ModelLoadException if the model does not load or is not shaped 784 -> 10
     * @throws IOException        if the port cannot be bound
     */
    public static ModelServer start(Path model, ServeConfig config) throws IOException {
        DigitClassifier classifier = DigitClassifier.load(model);
        ModelServer server = new ModelServer(classifier, model, config);
        try {
            server.app.start(config.host(), config.port());
        } catch (JavalinBindException e) {
            server.predictor.close();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + " (" + e.getMessage()
                    + "): pick another with --port, or --port 0 for any free one", e);
        }
        // Jetty's graceful stop: connectors close first, then requests in flight get this long to finish. Set once
        // started: a server that failed to bind would otherwise fail its own clean-up stop.
        server.app.jettyServer().server().setStopTimeout(STOP_TIMEOUT_MS);
        classifier.predict(new float[784]); // the first forward pass allocates; do it before the first user
        server.ready = true;
        return server;
    }

    public int port() {
        return app.port();
    }

    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** The model's file name and SHA-256, as each answer names it. */
    public Map<String, String> modelId() {
        return Map.of("file", modelId.get("file").asText(), "sha256", modelId.get("sha256").asText());
    }

    /** Blocks until {@link #close()} has run (from another thread, e.g. a shutdown hook). */
    public void awaitStop() throws InterruptedException {
        synchronized (this) {
            while (!stopped) {
                wait();
            }
        }
    }

    /** Graceful stop: not ready, no new connections, requests in flight finish (up to 10 s), then the model. */
    @Override
    public void close() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            ready = false;
            try {
                app.stop();
            } finally {
                predictor.close();
                stopped = true;
                notifyAll();
            }
        }
    }

    private void predict(Context ctx) throws InterruptedException {
        PredictInput input = PredictInput.from(ctx, config);
        List<Prediction> predictions = predictor.predict(input.images());
        ObjectNode body = JSON.createObjectNode();
        if (input.instances()) {
            ArrayNode list = body.putArray("predictions");
            predictions.forEach(p -> p.writeTo(list.addObject()));
        } else {
            predictions.get(0).writeTo(body);
        }
        body.set("model", modelId);
        if (input.preprocessed()) {
            ArrayNode pixels = body.putArray("preprocessed"); // the 28x28 the model saw, for the page to draw
            for (float v : input.images().get(0)) {
                pixels.add(v);
            }
        }
        send(ctx, HttpStatus.OK, body);
    }

    private int queueDepth() {
        return predictor.queueDepth();
    }

    private void readyz(Context ctx) {
        if (!ready) {
            throw new ServiceUnavailableResponse(stopped ? "stopping" : "loading the model");
        }
        send(ctx, HttpStatus.OK, JSON.createObjectNode().put("status", "ready"));
    }

    /** The sidecar written with the model (hyper-parameters, test accuracy, origin), under the model's id. */
    private static ObjectNode modelInfo(Path model, ObjectNode id) {
        ObjectNode info = id.deepCopy();
        try {
            info.set("sidecar", JSON.valueToTree(ModelStore.readProvenance(new ModelFiles(model))));
        } catch (ModelLoadException e) {
            info.putNull("sidecar");
            info.put("note", e.getMessage());
        }
        return info;
    }

    private static String message(HttpResponseException e, Context ctx) {
        if (e instanceof MethodNotAllowedResponse) {
            return "method " + ctx.method() + " is not allowed on " + ctx.path() + "; allowed: "
                    + e.getDetails().values();
        }
        if (e instanceof NotFoundResponse && e.getMessage().startsWith("Endpoint ")) {
            return "no route " + ctx.method() + " " + ctx.path() + ": the API is POST /v1/predict, GET /v1/model, "
                    + "GET /healthz, GET /readyz, GET /metrics, and the page is at /";
        }
        return e.getMessage();
    }

    private static void error(Context ctx, int status, String message) {
        send(ctx, HttpStatus.forStatus(status), JSON.createObjectNode().put("error", message));
    }

    private static void send(Context ctx, HttpStatus status, ObjectNode body) {
        try {
            ctx.status(status).contentType(ContentType.APPLICATION_JSON).result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("JSON of a tree cannot fail", e);
        }
    }
}
