package dev.kerasmnist.serving;

import java.time.Duration;

/**
 * How {@code serve} listens, batches and what it accepts, built from the defaults with withers:
 * {@code ServeConfig.DEFAULTS.port(0).maxWait(Duration.ofMillis(2))}.
 *
 * @param host          the address to listen on ({@code 127.0.0.1}: this machine only)
 * @param port          the port; 0 picks a free one
 * @param batching      whether concurrent requests are coalesced; off is one synchronised forward pass per request
 * @param maxBatch      the most images in one coalesced forward pass (a single larger request still runs whole)
 * @param maxWait       how long the first queued request waits for others to join its batch
 * @param maxBodyBytes  the largest request body, checked before it is read
 * @param maxPixels     the largest image (width x height), checked from its header before it is decoded
 * @param maxInstances  the most images in one JSON {@code instances} request
 */
public record ServeConfig(String host, int port, boolean batching, int maxBatch, Duration maxWait, long maxBodyBytes,
        long maxPixels, int maxInstances) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH = 64;
    /**
     * No extra wait: requests that arrive while the model is busy already form the next batch. On 2 cores, waiting
     * 1-2 ms for more cost throughput at every load (bench/serve-load, README's load table).
     */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ZERO;
    public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;
    public static final int DEFAULT_MAX_INSTANCES = 1000;

    public static final ServeConfig DEFAULTS = new ServeConfig(DEFAULT_HOST, DEFAULT_PORT, true, DEFAULT_MAX_BATCH,
            DEFAULT_MAX_WAIT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MAX_INSTANCES);

    public ServeConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, not " + port);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("max batch must be at least 1, not " + maxBatch);
        }
        if (maxWait == null || maxWait.isNegative() || maxWait.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("max wait must be in 0..1000 ms, not " + maxWait);
        }
        if (maxBodyBytes < 1024 || maxPixels < 28 * 28 || maxInstances < 1) {
            throw new IllegalArgumentException("limits too small: body " + maxBodyBytes + " bytes, " + maxPixels
                    + " pixels, " + maxInstances + " instances");
        }
    }

    public ServeConfig host(String newHost) {
        return new ServeConfig(newHost, port, batching, maxBatch, maxWait, maxBodyBytes, maxPixels, maxInstances);
    }

    public ServeConfig port(int newPort) {
        return new ServeConfig(host, newPort, batching, maxBatch, maxWait, maxBodyBytes, maxPixels, maxInstances);
    }

    public ServeConfig batching(boolean on) {
        return new ServeConfig(host, port, on, maxBatch, maxWait, maxBodyBytes, maxPixels, maxInstances);
    }

    public ServeConfig maxBatch(int images) {
        return new ServeConfig(host, port, batching, images, maxWait, maxBodyBytes, maxPixels, maxInstances);
    }

    public ServeConfig maxWait(Duration wait) {
        return new ServeConfig(host, port, batching, maxBatch, wait, maxBodyBytes, maxPixels, maxInstances);
    }

    public ServeConfig maxBodyBytes(long bytes) {
        return new ServeConfig(host, port, batching, maxBatch, maxWait, bytes, maxPixels, maxInstances);
    }

    public ServeConfig maxPixels(long pixels) {
        return new ServeConfig(host, port, batching, maxBatch, maxWait, maxBodyBytes, pixels, maxInstances);
    }

    public ServeConfig maxInstances(int images) {
        return new ServeConfig(host, port, batching, maxBatch, maxWait, maxBodyBytes, maxPixels, images);
    }
}
