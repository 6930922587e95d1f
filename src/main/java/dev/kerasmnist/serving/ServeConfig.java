package dev.kerasmnist.serving;

import dev.kerasmnist.inference.Engine;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How {@code serve} listens, batches, what it accepts and who may use it, built from the defaults with withers:
 * {@code ServeConfig.DEFAULTS.port(0).maxWait(Duration.ofMillis(2)).access(Access.token(secret))}.
 *
 * @param host             the address to listen on ({@code 127.0.0.1}: this machine only)
 * @param port             the port; 0 picks a free one
 * @param batching         whether concurrent requests are coalesced; off is one synchronised forward pass per request
 * @param maxBatch         the most images in one coalesced forward pass (a single larger request still runs whole)
 * @param maxWait          how long the first queued request waits for others to join its batch
 * @param maxBodyBytes     the largest request body, checked before it is read
 * @param maxPixels        the largest image (width x height), checked from its header before it is decoded
 * @param maxInstances     the most images in one JSON {@code instances} request
 * @param maxBufferedBytes the heap that request bodies, parsed JSON and decoded images may hold at once; past it a
 *                         request waits briefly, then gets 503 with {@code Retry-After}
 * @param maxDecodes       the most images decoded at once
 * @param access           the token and TLS settings
 * @param timing           the body deadline and how a stop drains
 * @param engine           what runs the forward passes: DL4J, or ONNX Runtime on the model converted in memory
 */
public record ServeConfig(
        String host,
        int port,
        boolean batching,
        int maxBatch,
        Duration maxWait,
        long maxBodyBytes,
        long maxPixels,
        int maxInstances,
        long maxBufferedBytes,
        int maxDecodes,
        Access access,
        Timing timing,
        Engine engine) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH = 64;
    /**
     * No extra wait: requests that arrive while the model is busy already form the next batch. On 2 cores, waiting
     * 1-2 ms for more cost throughput at every load (docs/serving.md).
     */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ZERO;

    public static final long DEFAULT_MAX_BODY_BYTES = 4L << 20;
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;
    public static final int DEFAULT_MAX_INSTANCES = 1000;
    /** A quarter of the heap for requests in flight, at most 256 MiB: the model and the JVM keep the rest. */
    public static final long DEFAULT_MAX_BUFFERED_BYTES =
            Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4);
    /** Two decodes per core keep the cores busy; more only hold memory. */
    public static final int DEFAULT_MAX_DECODES = 2 * Runtime.getRuntime().availableProcessors();

    public static final ServeConfig DEFAULTS = new ServeConfig(
            DEFAULT_HOST,
            DEFAULT_PORT,
            true,
            DEFAULT_MAX_BATCH,
            DEFAULT_MAX_WAIT,
            DEFAULT_MAX_BODY_BYTES,
            DEFAULT_MAX_PIXELS,
            DEFAULT_MAX_INSTANCES,
            DEFAULT_MAX_BUFFERED_BYTES,
            DEFAULT_MAX_DECODES,
            Access.OPEN,
            Timing.DEFAULTS,
            Engine.DL4J);

    /**
     * How long a request body may take, and how a stop goes.
     *
     * @param body  the deadline for a whole request body from its first byte on; past it, 408 (a slow client
     *              cannot hold a connection open by trickling one byte at a time)
     * @param grace after SIGTERM, how long {@code /readyz} says 503 while the port still serves, so that a load
     *              balancer stops sending new requests before the listener closes
     * @param drain then how long requests in flight (bodies still arriving included) may take to finish before
     *              what is left is cut
     */
    public record Timing(Duration body, Duration grace, Duration drain) {
        public static final Timing DEFAULTS =
                new Timing(Duration.ofSeconds(20), Duration.ofSeconds(3), Duration.ofSeconds(10));

        public Timing {
            if (body.isNegative() || body.isZero() || grace.isNegative() || drain.isNegative()) {
                throw new IllegalArgumentException("the body deadline must be positive, the stop's grace and drain "
                        + "0 or more, not " + body + ", " + grace + ", " + drain);
            }
        }
    }

    /**
     * Who may use the server.
     *
     * @param token    the bearer token every API request must carry; empty: none needed
     * @param tls      the keystore to serve HTTPS with; empty: plain HTTP
     * @param insecure whether a non-loopback address may be bound without a token
     */
    public record Access(Optional<String> token, Optional<Tls> tls, boolean insecure) {
        /** Short secrets can be guessed over the network. */
        public static final int MIN_TOKEN_LENGTH = 16;

        /** No token, plain HTTP: for 127.0.0.1 only. */
        public static final Access OPEN = new Access(Optional.empty(), Optional.empty(), false);

        public Access {
            if (token.isPresent() && token.get().length() < MIN_TOKEN_LENGTH) {
                throw new IllegalArgumentException(
                        "the token has " + token.get().length() + " characters; use at least " + MIN_TOKEN_LENGTH
                                + " (e.g. `head -c 32 /dev/urandom | base64 > token`)");
            }
        }

        public Access token(String secret) {
            return new Access(Optional.of(secret), tls, insecure);
        }

        public Access tls(Tls keystore) {
            return new Access(token, Optional.of(keystore), insecure);
        }

        public Access insecure(boolean allowed) {
            return new Access(token, tls, allowed);
        }

        /** Never the token itself: configurations get logged. */
        @Override
        public String toString() {
            return "Access[token=" + (token.isPresent() ? "(set)" : "(none)") + ", tls=" + tls + ", insecure="
                    + insecure + "]";
        }
    }

    /** A PKCS#12 or JKS keystore holding the server's key and certificate. */
    public record Tls(Path keystore, String password) {
        @Override
        public String toString() {
            return "Tls[keystore=" + keystore + ", password=(set)]";
        }
    }

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
        if (engine == null) {
            throw new IllegalArgumentException("engine must not be null");
        }
        if (maxBodyBytes < 1024
                || maxPixels < 28 * 28
                || maxInstances < 1
                || maxDecodes < 1
                || maxBufferedBytes < maxBodyBytes) {
            throw new IllegalArgumentException("limits too small: body " + maxBodyBytes + " bytes, " + maxPixels
                    + " pixels, " + maxInstances + " instances, " + maxDecodes + " decodes, " + maxBufferedBytes
                    + " bytes buffered (at least one body)");
        }
    }

    /** Whether {@link #host} is this machine only (127.0.0.0/8, ::1, localhost). */
    public boolean loopbackOnly() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host '" + host + "'", e);
        }
    }

    public ServeConfig host(String newHost) {
        return new ServeConfig(
                newHost,
                port,
                batching,
                maxBatch,
                maxWait,
                maxBodyBytes,
                maxPixels,
                maxInstances,
                maxBufferedBytes,
                maxDecodes,
                access,
                timing,
                engine);
    }

    public ServeConfig port(int newPort) {
        return new ServeConfig(
                host,
                newPort,
                batching,
                maxBatch,
                maxWait,
                maxBodyBytes,
                maxPixels,
                maxInstances,
                maxBufferedBytes,
                maxDecodes,
                access,
                timing,
                engine);
    }

    public ServeConfig batching(boolean on) {
        return new ServeConfig(
                host,
                port,
                on,
                maxBatch,
                maxWait,
                maxBodyBytes,
                maxPixels,
                maxInstances,
                maxBufferedBytes,
                maxDecodes,
                access,
                timing,
                engine);
    }

    public ServeConfig maxBatch(int images) {
        return new ServeConfig(
                host,
                port,
                batching,
                images,
                maxWait,
                maxBodyBytes,
                maxPixels,
                maxInstances,
                maxBufferedBytes,
                maxDecodes,
                access,
                timing,
                engine);
    }

    public ServeConfig maxWait(Duration wait) {
        return new ServeConfig(
                host,
                port,
                batching,
                maxBatch,
                wait,
                maxBodyBytes,
                maxPixels,
                maxInstances,
                maxBufferedBytes,
                maxDecodes,
                access,
                timing,
                engine);
    }

    public ServeConfig maxBodyBytes(long bytes) {
        return new ServeConfig(
                host,
                port,
                batching,
                maxBatch,
                maxWait,
                bytes,
                maxPixels,
                maxInstances,
                Math.max(maxBufferedBytes, bytes),
                maxDecodes,
                access,
                timing,
                engine);
    }

    public ServeConfig maxPixels(long pixels) {
        return new ServeConfig(
                host,
                port,
                batching,
                maxBatch,
                maxWait,
                maxBodyBytes,
                pixels,
                maxInstances,
                maxBufferedBytes,
                maxDecodes,
                access,
                timing,
                engine);
    }

    public ServeConfig maxInstances(int images) {
        return new ServeConfig(
                host,
                port,
                batching,
                maxBatch,
                maxWait,
                maxBodyBytes,
                maxPixels,
                images,
                maxBufferedBytes,
                maxDecodes,
                access,
                timing,
                engine);
    }

    public ServeConfig maxBufferedBytes(long bytes) {
        return new ServeConfig(
                host,
                port,
                batching,
                maxBatch,
                maxWait,
                maxBodyBytes,
                maxPixels,
                maxInstances,
                bytes,
                maxDecodes,
                access,
                timing,
                engine);
    }

    public ServeConfig maxDecodes(int decodes) {
        return new ServeConfig(
                host,
                port,
                batching,
                maxBatch,
                maxWait,
                maxBodyBytes,
                maxPixels,
                maxInstances,
                maxBufferedBytes,
                decodes,
                access,
                timing,
                engine);
    }

    public ServeConfig timing(Timing times) {
        return new ServeConfig(
                host,
                port,
                batching,
                maxBatch,
                maxWait,
                maxBodyBytes,
                maxPixels,
                maxInstances,
                maxBufferedBytes,
                maxDecodes,
                access,
                times,
                engine);
    }

    public ServeConfig access(Access who) {
        return new ServeConfig(
                host,
                port,
                batching,
                maxBatch,
                maxWait,
                maxBodyBytes,
                maxPixels,
                maxInstances,
                maxBufferedBytes,
                maxDecodes,
                who,
                timing,
                engine);
    }

    public ServeConfig engine(Engine runsOn) {
        return new ServeConfig(
                host,
                port,
                batching,
                maxBatch,
                maxWait,
                maxBodyBytes,
                maxPixels,
                maxInstances,
                maxBufferedBytes,
                maxDecodes,
                access,
                timing,
                runsOn);
    }
}
