package dev.kerasmnist.serving;

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
    static final Set<String> ROUTES = Set.of("/", "/index.html", "/app.js", "/style.css", "/v1/predict", "/v1/model",
            "/healthz", "/readyz", "/metrics");

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
                .serviceLevelObjectives(ms(0.5), ms(1), ms(2), ms(5), ms(10), ms(20), ms(50), ms(100), ms(200),
                        ms(500), ms(1000), ms(5000))
                .register(registry)
                .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
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
