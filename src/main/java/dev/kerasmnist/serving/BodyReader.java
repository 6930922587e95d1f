package dev.kerasmnist.serving;

import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;

/**
 * Reads one request body with Servlet asynchronous I/O: no thread waits while its bytes trickle in, so slow clients
 * cannot take Jetty's thread pool. The same limits hold whether the length is declared or the body is chunked:
 * reading stops at {@code limit + 1} bytes (413), the whole body has one deadline from the start of reading (408,
 * not reset by each byte), and the heap it holds is reserved from {@link Admission} as it grows (503 past the
 * budget). Jetty's callbacks for one request never run at once; the deadline runs on the timer, so every step is
 * synchronised.
 */
final class BodyReader implements ReadListener {
    /**
     * The first buffer, doubled as bytes arrive, its heap reserved as it grows: a thousand idle bodies hold 8 MB,
     * not their declared lengths.
     */
    private static final int FIRST = 8 * 1024;

    /** A body read in full, holding its heap reservation until closed. */
    record Body(byte[] bytes, Admission.Permit permit) implements AutoCloseable {
        @Override
        public void close() {
            permit.close();
        }
    }

    /** The client hung up or its connection failed mid-body: nobody is left to answer. */
    static final class ClientAbortedException extends RuntimeException {
        ClientAbortedException(Throwable cause) {
            super("the client closed the connection before its body arrived", cause, false, false);
        }
    }

    private final HttpServletRequest request;
    private final ServletInputStream in;
    private final long limit;
    private final Admission admission;
    private final CompletableFuture<Body> done = new CompletableFuture<>();
    private final byte[] chunk = new byte[8192];
    private byte[] buffer;
    private int size;
    private long reservedKib;
    private ScheduledFuture<?> deadline;

    private BodyReader(
            HttpServletRequest request, ServletInputStream in, long declared, long limit, Admission admission) {
        this.request = request;
        this.in = in;
        this.limit = limit;
        this.admission = admission;
        this.buffer = new byte[(int) Math.min(declared < 0 ? FIRST : declared, Math.min(limit, FIRST))];
        // the first buffer is not reserved: it is small, and a request is refused before it holds more
    }

    /**
     * Starts reading the body of a request whose asynchronous mode has been started (Javalin's {@code ctx.future}).
     *
     * @param declared its Content-Length, or -1 when chunked
     */
    static CompletableFuture<Body> read(
            HttpServletRequest request,
            long declared,
            long limit,
            Duration timeout,
            Admission admission,
            ScheduledExecutorService timer) {
        ServletInputStream in;
        try {
            in = request.getInputStream();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new ClientAbortedException(e));
        }
        BodyReader reader = new BodyReader(request, in, declared, limit, admission);
        synchronized (reader) {
            reader.deadline = timer.schedule(
                    () -> reader.fail(new HttpResponseException(
                            408, "the body did not arrive within " + timeout.toSeconds() + " s: send it at once")),
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        in.setReadListener(reader);
        return reader.done;
    }

    @Override
    public synchronized void onDataAvailable() throws IOException {
        try {
            while (!done.isDone() && in.isReady()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return; // onAllDataRead follows
                }
                if ((long) size + n > limit) {
                    fail(new ContentTooLargeResponse("the body is over the limit of " + limit + " bytes (with or "
                            + "without Content-Length): send a smaller image"));
                    return;
                }
                grow(size + n);
                System.arraycopy(chunk, 0, buffer, size, n);
                size += n;
            }
        } catch (RuntimeException e) { // e.g. Jetty's BadMessageException for bad chunk framing, or no heap left
            onError(e);
        }
    }

    @Override
    public synchronized void onAllDataRead() {
        if (!done.isDone()) {
            deadline.cancel(false);
            Admission.Permit held = release(reservedKib);
            reservedKib = 0;
            byte[] body = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
            if (!done.complete(new Body(body, held))) {
                held.close();
            }
        }
    }

    @Override
    public synchronized void onError(Throwable failure) {
        Throwable t = failure;
        if (t instanceof HttpResponseException e) {
            fail(e);
        } else if (t instanceof BadMessageException bad) { // bad chunk framing, Jetty's own rate or size checks
            fail(new HttpResponseException(
                    bad.getCode() >= 400 && bad.getCode() < 500 ? bad.getCode() : 400,
                    "the body is not valid HTTP (" + bad.getReason() + "): send a Content-Length or well-formed "
                            + "chunked transfer encoding"));
        } else if (t instanceof TimeoutException || t.getCause() instanceof TimeoutException) {
            fail(new HttpResponseException(408, "the body stopped arriving: send it at once"));
        } else if (t instanceof Predictor.ServerBusyException busy) {
            fail(busy);
        } else if (t instanceof EofException && stillOpen()) {
            // Jetty's parser reports bad chunk framing after the headers as an early EOF, its reason dropped; a
            // client that hung up leaves the input shut, this one is still connected and can be told
            fail(new HttpResponseException(
                    400,
                    "the body is not valid HTTP (bad chunked transfer encoding): send a "
                            + "Content-Length or well-formed chunks"));
        } else {
            fail(new ClientAbortedException(t));
        }
    }

    private boolean stillOpen() {
        EndPoint endPoint = Request.getBaseRequest(request).getHttpChannel().getEndPoint();
        return endPoint.isOpen() && !endPoint.isInputShutdown();
    }

    /** Ends the read with {@code e}, giving back its heap at once: an unread rest of the body is Jetty's to drop. */
    private synchronized void fail(RuntimeException e) {
        if (done.completeExceptionally(e)) {
            deadline.cancel(false);
            release(reservedKib).close();
            reservedKib = 0;
            buffer = null;
        }
    }

    /** Room for {@code needed} bytes, reserving heap a step at a time; past the budget, 503 at once. */
    private void grow(int needed) {
        if (needed > buffer.length) {
            long capacity = Math.min(Math.max((long) buffer.length * 2, needed), Math.max(needed, limit));
            long kib = (capacity + 1023) / 1024;
            if (kib > reservedKib) {
                admission.reserveKibNow(kib - reservedKib); // released in one go with the body, or on failure
                reservedKib = kib;
            }
            buffer = Arrays.copyOf(buffer, (int) capacity);
        }
    }

    private Admission.Permit release(long kib) {
        return () -> admission.releaseKib(kib);
    }
}
