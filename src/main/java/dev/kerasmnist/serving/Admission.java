package dev.kerasmnist.serving;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the heap that requests hold bounded, whatever the mix: each request reserves, before its body is read, what
 * it will hold (its body; for JSON the parsed tree too), and each image decode takes one of a few decode slots plus
 * the heap of a decoded image. A request that cannot get them within {@link #WAIT_MS} is answered 503 with
 * {@code Retry-After}, never left to run the server out of memory.
 */
final class Admission {
    /** How long a request may wait for room before it is shed. */
    static final long WAIT_MS = 200;
    /** A parsed JSON number costs about ten times its text (a {@code DoubleNode} and its slot in an array). */
    static final int JSON_TREE_FACTOR = 12;
    /** ImageIO's decoders hold a few rows and buffers besides the decoded image. */
    static final long DECODE_OVERHEAD_BYTES = 1L << 20;

    private static final int KIB = 1024;
    private final Semaphore heapKib;
    private final Semaphore decodes;
    private final long decodeBytes;

    Admission(long maxBufferedBytes, int maxDecodes, long decodedImageBytes) {
        this.heapKib = new Semaphore((int) Math.min(Integer.MAX_VALUE, maxBufferedBytes / KIB), true);
        this.decodes = new Semaphore(maxDecodes, true);
        this.decodeBytes = decodedImageBytes + DECODE_OVERHEAD_BYTES;
    }

    /** Room for {@code bytes} of heap, released when closed. */
    Permit reserve(long bytes) throws InterruptedException {
        int kib = (int) Math.min(Integer.MAX_VALUE, (bytes + KIB - 1) / KIB);
        if (!heapKib.tryAcquire(kib, WAIT_MS, TimeUnit.MILLISECONDS)) {
            throw new Predictor.ServerBusyException(
                    "the server is holding as many requests as its memory allows: retry shortly", "memory");
        }
        return () -> heapKib.release(kib);
    }

    /** Room for {@code kib} KiB without waiting (for Jetty's read callbacks, which must not block). */
    void reserveKibNow(long kib) {
        if (!heapKib.tryAcquire((int) Math.min(Integer.MAX_VALUE, kib))) {
            throw new Predictor.ServerBusyException(
                    "the server is holding as many request bodies as its memory allows: retry shortly", "memory");
        }
    }

    void releaseKib(long kib) {
        heapKib.release((int) Math.min(Integer.MAX_VALUE, kib));
    }

    /**
     * A decode slot and the heap of one decoded image plus the decoder's own buffers (full-width rows for PNG),
     * released when closed.
     */
    Permit decode(long decoderBytes) throws InterruptedException {
        if (!decodes.tryAcquire(WAIT_MS, TimeUnit.MILLISECONDS)) {
            throw new Predictor.ServerBusyException("every image decoder is busy: retry shortly", "decoders");
        }
        try {
            Permit heap = reserve(decodeBytes + decoderBytes);
            return () -> {
                heap.close();
                decodes.release();
            };
        } catch (RuntimeException | InterruptedException e) {
            decodes.release();
            throw e;
        }
    }

    /** Something to give back, exactly once. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }
}
