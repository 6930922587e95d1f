package dev.kerasmnist.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** What {@code /metrics} shows, in Prometheus's text format through Micrometer. */
final class ServerMetrics {
    /** Routes are labels as themselves; anything else is "other", so unknown paths cannot grow the label set. */
    static final Set<String> ROUTES = Set.of(
            "/",
            "/index.html",
            "/app.js",
            "/style.css",
            "/v1/predict",
            "/v1/model",
            "/v1/models",
            "/v1/models/{name}",
            "/v1/models/{name}/predict",
            "/v1/models/{name}/reload",
            "/healthz",
            "/readyz",
            "/metrics");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DistributionSummary batchSizes;

    ServerMetrics(IntSupplier queueDepth) {
        batchSizes = DistributionSummary.builder("predict.batch.size")
                .description("Images per forward pass")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
                .register(registry);
        Gauge.builder("predict.queue.depth", queueDepth::getAsInt)
                .description("Requests waiting for the model")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** One finished HTTP request: counted by method, route and status, its latency into the histogram. */
    void request(String method, String path, int status, float millis) {
        Timer.builder("http.server.requests")
                .description("HTTP requests by method, route and status, with their latency")
                .tag("method", method)
                .tag("route", ROUTES.contains(path) ? path : "other")
                .tag("status", Integer.toString(status))
                .serviceLevelObjectives(
                        ms(0.5), ms(1), ms(2), ms(5), ms(10), ms(20), ms(50), ms(100), ms(200), ms(500), ms(1000),
                        ms(5000))
                .register(registry)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
    }

    /** A request refused (4xx) or shed (503), by reason: what an operator watches under attack or overload. */
    void rejected(String reason) {
        Counter.builder("http.rejections")
                .description("Requests refused (4xx) or shed (503), by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** The rejection reason of a 4xx status. */
    static String reason(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "body_timeout";
            case 409 -> "reload_failed";
            case 413 -> "too_large";
            case 415 -> "unsupported_media_type";
            case 500 -> "server_error";
            default -> "status_" + status;
        };
    }

    void batch(int size) {
        batchSizes.record(size);
    }

    String scrape() {
        return registry.scrape();
    }

    private static Duration ms(double millis) {
        return Duration.ofNanos((long) (millis * 1_000_000));
    }
}
