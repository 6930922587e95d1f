package dev.kerasmnist.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.kerasmnist.failures.Failure;
import dev.kerasmnist.failures.FailureIOException;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.failures.SettingException;
import dev.kerasmnist.inference.ImageDecoder;
import dev.kerasmnist.model.ModelLoadException;
import io.javalin.Javalin;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinBindException;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trained models behind HTTP: {@code POST /v1/predict} (the first model), {@code /v1/models/{name}/predict} for each,
 * {@code GET /v1/models}, {@code POST /v1/models/{name}/reload}, {@code GET /v1/model}, {@code /healthz},
 * {@code /readyz}, {@code /metrics} and the draw-a-digit page at {@code /}. Every error is JSON
 * {@code {"error": "..."}} that says what is expected; overload is 503 with {@code Retry-After}; the heap that
 * requests may hold is bounded ({@link Admission}).
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.start(Path.of("models/mnist-mlp.zip"), ServeConfig.DEFAULTS)) {
 *     System.out.println(server.uri());
 *     server.awaitStop();
 * }
 * }</pre>
 */
public final class ModelServer implements AutoCloseable {
    /** Paths open without the token (probes, the page's own files), compared after normalisation. */
    static final Set<String> OPEN_PATHS = Set.of("/healthz", "/readyz", "/", "/index.html", "/app.js", "/style.css");
    /** Connections the kernel may hold for Jetty to accept (the JDK's default is 50). */
    static final int ACCEPT_QUEUE = 1024;
    /** nginx's status for a request whose client hung up first: counted, never answered. */
    static final int CLIENT_CLOSED_REQUEST = 499;
    /** Seconds a shed client is asked to wait before retrying. */
    static final String RETRY_AFTER_SECONDS = "1";

    private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
    private static final ObjectMapper JSON =
            JsonMapper.builder().addModule(new Jdk8Module()).build(); // provenance

    private final ServeConfig config;
    private final Map<String, ServedModel> models = new LinkedHashMap<>();
    private final ServedModel first;
    private final Admission admission;
    private final ServerMetrics metrics;
    private final byte[] token;
    private final Javalin app;
    /** Fires the whole-body deadlines of {@link BodyReader}. */
    private final ScheduledThreadPoolExecutor timer;

    private volatile boolean ready;
    private volatile boolean stopping;
    private boolean stopped;

    private ModelServer(List<Path> files, ServeConfig config) throws IOException {
        this.config = config;
        this.metrics = new ServerMetrics(this::queueDepth); // read at scrape time, once the models exist
        this.admission = new Admission(config.maxBufferedBytes(), config.maxDecodes(), ImageDecoder.MAX_DECODED_BYTES);
        this.token = config.access()
                .token()
                .map(t -> t.getBytes(StandardCharsets.UTF_8))
                .orElse(null);
        try {
            for (Path file : files) {
                ServedModel model = ServedModel.open(file, config, metrics::batch, JSON);
                if (models.putIfAbsent(model.name(), model) != null) {
                    throw new IllegalArgumentException("two models are named '" + model.name() + "' (" + file
                            + "): serve files with different names");
                }
            }
        } catch (IOException | RuntimeException e) {
            models.values().forEach(ServedModel::close);
            throw e;
        }
        this.first = models.values().iterator().next();
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "serve-body-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true); // a body read in time leaves nothing behind
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.prefer405over404 = true;
            cfg.http.maxRequestSize = config.maxBodyBytes();
            cfg.jetty.multipartConfig.maxFileSize(config.maxBodyBytes(), io.javalin.config.SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxTotalRequestSize(config.maxBodyBytes(), io.javalin.config.SizeUnit.BYTES);
            cfg.jetty.multipartConfig.maxInMemoryFileSize(
                    (int) config.maxBodyBytes(), io.javalin.config.SizeUnit.BYTES);
            cfg.jetty.modifyServer(
                    server -> server.setErrorHandler(new JsonErrorHandler(() -> metrics.rejected("bad_http"))));
            cfg.jetty.addConnector(this::connector);
            cfg.staticFiles.add(files1 -> {
                files1.hostedPath = "/";
                files1.directory = "/dev/kerasmnist/serving/web";
                files1.location = Location.CLASSPATH; // in the jar: nothing loads from elsewhere
            });
            cfg.requestLogger.http((ctx, ms) -> {
                // not "/" forwarded to index.html; an asynchronous request has no dispatcher type by its end
                if (ctx.req().getDispatcherType() != DispatcherType.FORWARD) {
                    metrics.request(ctx.method().name(), route(ctx), ctx.statusCode(), ms);
                }
            });
        });
        app.before(this::authorise);
        app.post("/v1/predict", ctx -> predict(ctx, first));
        app.get("/v1/model", ctx -> send(ctx, HttpStatus.OK, first.describe()));
        app.get("/v1/models", this::listModels);
        app.get("/v1/models/{name}", ctx -> send(ctx, HttpStatus.OK, model(ctx).describe()));
        app.post("/v1/models/{name}/predict", ctx -> predict(ctx, model(ctx)));
        app.post("/v1/models/{name}/reload", this::reload);
        app.get(
                "/healthz",
                ctx -> send(ctx, HttpStatus.OK, JSON.createObjectNode().put("status", "ok")));
        app.get("/readyz", this::readyz);
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.scrape()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), message(e, ctx)));
        app.exception(Predictor.ServerBusyException.class, (e, ctx) -> {
            metrics.rejected(e.reason());
            error(ctx, 503, e.getMessage());
        });
        app.exception(BodyReader.ClientAbortedException.class, (e, ctx) -> {
            metrics.rejected("client_aborted"); // the client's doing, not a server error: no 5xx for alerts to see
            ctx.status(CLIENT_CLOSED_REQUEST); // nginx's code; nobody reads it, /metrics counts it
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "the server failed to answer this request (its log says why); it goes on serving");
        });
    }

    /**
     * The one listener, HTTP or HTTPS: a deep accept queue, so that a burst of connections waits in the kernel
     * rather than in SYN retries.
     */
    private ServerConnector connector(Server server, HttpConfiguration http) {
        ServerConnector connector;
        if (config.access().tls().isPresent()) {
            ServeConfig.Tls tls = config.access().tls().get();
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(tls.keystore().toAbsolutePath().toString());
            ssl.setKeyStorePassword(tls.password());
            HttpConfiguration https = new HttpConfiguration(http);
            https.addCustomizer(new SecureRequestCustomizer(false)); // serves any host name the cert carries
            connector = new ServerConnector(
                    server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setAcceptQueueSize(ACCEPT_QUEUE);
        return connector;
    }

    /**
     * Loads the model, warms it up and starts listening.
     *
     * @throws ModelLoadException       if the model does not load or is not shaped 784 -> 10
     * @throws IOException              if the port cannot be bound
     * @throws IllegalArgumentException if a non-loopback address would be served without a token and without
     *                                  {@code insecure}
     */
    public static ModelServer start(Path model, ServeConfig config) throws IOException {
        return start(List.of(model), config);
    }

    /** As {@link #start(Path, ServeConfig)}, serving each model under its file name; the first is the default. */
    public static ModelServer start(List<Path> models, ServeConfig config) throws IOException {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model to serve: give at least one");
        }
        if (!config.loopbackOnly()
                && config.access().token().isEmpty()
                && !config.access().insecure()) {
            throw new SettingException(
                    "serving on " + config.host() + " without a token lets anyone who can reach the port use it",
                    List.of(new Remedy.TokenOrInsecure()));
        }
        ModelServer server = new ModelServer(models, config);
        try {
            server.app.start(config.host(), config.port());
        } catch (JavalinBindException e) {
            server.timer.shutdownNow();
            server.models.values().forEach(ServedModel::close);
            throw new FailureIOException(
                    Failure.Kind.ENVIRONMENT,
                    "cannot listen on " + config.host() + ":" + config.port() + " (" + e.getMessage() + ")",
                    e,
                    List.of(new Remedy.OtherPort(Remedy.OtherPort.Listener.SERVER)));
        }
        // Jetty's graceful stop: connectors close first, then requests in flight (counted by Javalin's
        // StatisticsHandler, asynchronous bodies included) get this long to finish. Set once started: a server that
        // failed to bind would otherwise fail its own clean-up stop.
        server.app.jettyServer().server().setStopTimeout(config.timing().drain().toMillis());
        server.ready = true;
        return server;
    }

    public int port() {
        return app.port();
    }

    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create((config.access().tls().isPresent() ? "https" : "http") + "://" + host + ":" + port() + "/");
    }

    /** The first model's file name and SHA-256, as each of its answers names it. */
    public Map<String, String> modelId() {
        ObjectNode id = first.id();
        return Map.of(
                "file", id.get("file").asText(), "sha256", id.get("sha256").asText());
    }

    /** What runs the forward passes, in words: {@code "DL4J"}, {@code "ONNX Runtime 1.20.0"}. */
    public String engine() {
        return first.engine();
    }

    /** The served models' names, the default first. */
    public List<String> modelNames() {
        return List.copyOf(models.keySet());
    }

    /**
     * Reloads every model from its file (SIGHUP): each one whose new file loads and passes the shape check is
     * swapped in without dropping a request; the others keep serving, with the reason in {@code GET /v1/models}.
     *
     * @return the names of the models that now serve their new file
     */
    public List<String> reloadAll() {
        List<String> reloaded = new ArrayList<>();
        for (ServedModel model : models.values()) {
            if (model.reload()) {
                reloaded.add(model.name());
            }
        }
        return reloaded;
    }

    /** Blocks until {@link #close()} has run (from another thread, e.g. a signal handler). */
    public void awaitStop() throws InterruptedException {
        synchronized (this) {
            while (!stopped) {
                wait();
            }
        }
    }

    /**
     * A clean stop: {@code /readyz} answers 503 at once while everything else is still served for the grace
     * period (a load balancer's next probe takes it out of rotation); then the listener closes, requests in flight,
     * bodies still arriving included, get the drain deadline to finish, what is left is cut, and the models close.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (stopping) {
                while (!stopped) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                return;
            }
            stopping = true;
        }
        ready = false;
        try {
            Thread.sleep(config.timing().grace().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stop now, without the rest of the grace
        }
        try {
            app.stop();
        } finally {
            timer.shutdownNow();
            models.values().forEach(ServedModel::close);
            synchronized (this) {
                stopped = true;
                notifyAll();
            }
        }
    }

    /**
     * With a token, everything needs {@code Authorization: Bearer <token>} but the probes and the page's own files
     * (which hold no data), so that the page can load and ask for the token. One rule, decided on the normalised
     * path: open only if both the path as sent and the path as Jetty decoded it are one of {@link #OPEN_PATHS}
     * after collapsing slashes; any other spelling ({@code /metrics/}, {@code //metrics}, {@code /Metrics},
     * {@code /v1/../metrics}, unknown paths) needs the token.
     */
    private void authorise(Context ctx) {
        if (token == null
                || (OPEN_PATHS.contains(normalise(ctx.req().getRequestURI()))
                        && OPEN_PATHS.contains(normalise(ctx.req().getServletPath()
                                + Objects.toString(ctx.req().getPathInfo(), ""))))) {
            return;
        }
        String header = ctx.header(Header.AUTHORIZATION);
        byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (!MessageDigest.isEqual(token, given)) { // constant time: the comparison leaks nothing of the token
            ctx.header(Header.WWW_AUTHENTICATE, "Bearer realm=\"keras-mnist\"");
            throw new UnauthorizedResponse(
                    "this server needs its token: send the header 'Authorization: Bearer <the server's token>'");
        }
    }

    /** Repeated slashes collapsed and a trailing one dropped: {@code //metrics/} is {@code /metrics}. */
    static String normalise(String path) {
        String collapsed = path == null || path.isEmpty() ? "/" : path.replaceAll("/{2,}", "/");
        return collapsed.length() > 1 && collapsed.endsWith("/")
                ? collapsed.substring(0, collapsed.length() - 1)
                : collapsed;
    }

    /**
     * Reads the body without holding a thread ({@link BodyReader}), then answers on the thread that delivered its
     * last bytes. Headers are checked first: a declared oversize body or a wrong type is refused unread.
     */
    private void predict(Context ctx, ServedModel model) {
        String type = PredictInput.checkHeaders(ctx, config);
        long declared = ctx.contentLength();
        String contentType = ctx.contentType();
        ctx.future(() -> {
            return BodyReader.read(
                            ctx.req(),
                            declared,
                            config.maxBodyBytes(),
                            config.timing().body(),
                            admission,
                            timer)
                    .thenAccept(body -> {
                        try (body) {
                            answer(ctx, model, type, contentType, body.bytes());
                        }
                    });
        });
    }

    private void answer(Context ctx, ServedModel model, String type, String contentType, byte[] bytes) {
        try (Admission.Permit parsing = admission.reserve(PredictInput.parseBytes(type, bytes.length))) {
            PredictInput input = PredictInput.from(type, contentType, bytes, config, admission);
            ServedModel.Answer answer = model.predict(input.images());
            ObjectNode body = JSON.createObjectNode();
            if (input.instances()) {
                ArrayNode list = body.putArray("predictions");
                answer.predictions().forEach(p -> p.writeTo(list.addObject()));
            } else {
                answer.predictions().get(0).writeTo(body);
            }
            body.set("model", answer.model()); // the model that computed it, even if another serves by now
            if (input.preprocessed()) {
                ArrayNode pixels = body.putArray("preprocessed"); // the 28x28 the model saw, for the page to draw
                for (float v : input.images().get(0)) {
                    pixels.add(v);
                }
            }
            send(ctx, HttpStatus.OK, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Predictor.ServerBusyException("the server is shutting down", "stopping");
        }
    }

    private void listModels(Context ctx) {
        ObjectNode body = JSON.createObjectNode().put("default", first.name());
        ArrayNode list = body.putArray("models");
        models.values().forEach(m -> list.add(m.describe()));
        send(ctx, HttpStatus.OK, body);
    }

    private void reload(Context ctx) {
        ServedModel model = model(ctx);
        boolean swapped = model.reload();
        send(ctx, swapped ? HttpStatus.OK : HttpStatus.CONFLICT, model.describe());
    }

    private ServedModel model(Context ctx) {
        ServedModel model = models.get(ctx.pathParam("name"));
        if (model == null) {
            throw new NotFoundResponse(
                    "no model named '" + ctx.pathParam("name") + "'; served: " + String.join(", ", models.keySet()));
        }
        return model;
    }

    /** The matched route's template ({@code /v1/models/{name}/predict}), or the path of a static file. */
    private static String route(Context ctx) {
        try {
            String template = ctx.endpointHandlerPath();
            return template == null || template.isEmpty() || template.equals("*") ? ctx.path() : template;
        } catch (RuntimeException noEndpoint) {
            return ctx.path();
        }
    }

    private int queueDepth() {
        return models.values().stream().mapToInt(ServedModel::queueDepth).sum();
    }

    private void readyz(Context ctx) {
        if (!ready) {
            throw new ServiceUnavailableResponse(stopping ? "stopping" : "loading the model");
        }
        send(ctx, HttpStatus.OK, JSON.createObjectNode().put("status", "ready"));
    }

    private String message(HttpResponseException e, Context ctx) {
        if (e instanceof MethodNotAllowedResponse) {
            return "method " + ctx.method() + " is not allowed on " + ctx.path() + "; allowed: "
                    + e.getDetails().values();
        }
        if (e instanceof NotFoundResponse && e.getMessage().startsWith("Endpoint ")) {
            return "no route " + ctx.method() + " " + ctx.path() + ": the API is POST /v1/predict, GET /v1/model, "
                    + "GET /v1/models, POST /v1/models/{name}/predict, POST /v1/models/{name}/reload, GET /healthz, "
                    + "GET /readyz, GET /metrics, and the page is at /";
        }
        return e.getMessage();
    }

    private void error(Context ctx, int status, String message) {
        if (status == 503) {
            ctx.header(Header.RETRY_AFTER, RETRY_AFTER_SECONDS);
        } else {
            metrics.rejected(ServerMetrics.reason(status));
        }
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
