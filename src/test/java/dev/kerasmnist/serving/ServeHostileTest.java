package dev.kerasmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.inference.DigitClassifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #30's hostile clients against an in-process server, each bounded in time: slow bodies and slowloris by the
 * thousand, chunked bodies past the limit, wide PNGs, path spellings around the token, answers during reloads, bad
 * chunk framing and clients that hang up. The 512 MiB runs (memory) are in {@link ServeAbuseTest}.
 */
class ServeHostileTest {
    static final MnistSplit DIGITS = Fixtures.synthetic(300, 11);
    static final String TOKEN = "hostile-test-token-0123456789abcdef";
    static final int LIMIT = 64 * 1024;
    /** A short body deadline so that the tests see it pass. */
    static final ServeConfig CONFIG = ServeConfig.DEFAULTS
            .port(0)
            .maxBodyBytes(LIMIT)
            .timing(new ServeConfig.Timing(Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(5)));

    @TempDir
    static Path dir;

    static Path model;
    static Path other;
    static ModelServer server;
    static Http http;

    @BeforeAll
    static void start() throws IOException {
        model = dir.resolve("tiny.zip");
        other = dir.resolve("other.zip");
        Fixtures.trainTinyModel(DIGITS, model);
        Fixtures.trainTinyModel(Fixtures.synthetic(300, 12), other);
        server = ModelServer.start(model, CONFIG);
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * 1,000 bodies that trickle (Content-Length 5000, one byte sent) and 1,000 connections whose headers never end
     * hold no worker: good requests meanwhile are answered within a second at p99, and the slow bodies get 408
     * at their deadline, which a byte now and then does not move.
     */
    @Test
    void slowBodiesAndSlowlorisCannotTakeTheServer() throws Exception {
        List<Socket> slowBodies = new ArrayList<>();
        List<Socket> slowloris = new ArrayList<>();
        // Warm, as a server that has served a while is: the client, and the JIT on the path of a body that waits.
        assertEquals(200, http.postPixels(Fixtures.pixels(DIGITS, 0)).status());
        for (int i = 0; i < 300; i++) {
            open("POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 5000\r\n\r\n{")
                    .close();
        }
        Thread.sleep(500);
        try {
            long opened = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                slowBodies.add(open("POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
                        + "\r\nContent-Length: 5000\r\n\r\n{"));
                slowloris.add(open("POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: app"));
            }
            long openedMs = (System.nanoTime() - opened) / 1_000_000;
            List<Long> micros = new ArrayList<>();
            // Good requests until the slow bodies' deadlines (2 s) have passed: their 408s are part of the load.
            long until = opened + TimeUnit.MILLISECONDS.toNanos(3500);
            for (int n = 0; n < 40 || System.nanoTime() < until; n++) {
                long t = System.nanoTime();
                Http.Answer good = http.postPixels(Fixtures.pixels(DIGITS, n % DIGITS.size()));
                micros.add((System.nanoTime() - t) / 1000);
                if (micros.get(micros.size() - 1) > 200_000) {
                    System.out.printf(
                            "slow good request %d: %d ms at %d ms%n",
                            n, micros.get(micros.size() - 1) / 1000, (t - opened) / 1_000_000);
                }
                assertEquals(200, good.status(), good.body());
                assertTrue(good.json().get("probabilities").size() == 10, good.body());
            }
            Collections.sort(micros);
            long p99 = micros.get(micros.size() * 99 / 100);
            System.out.printf(
                    "slow bodies: 2000 connections opened in %d ms; %d good requests, p50 %.1f ms, p99 %.1f " + "ms%n",
                    openedMs, micros.size(), micros.get(micros.size() / 2) / 1000.0, p99 / 1000.0);
            assertTrue(p99 < 1_000_000, "good requests p99 " + p99 / 1000 + " ms");

            // A byte every 400 ms does not reset the deadline: 408 about 2 s after the body started.
            Socket trickle = open("POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 5000\r\n\r\n{");
            long started = System.nanoTime();
            trickle.setSoTimeout(400);
            String answer = null;
            for (int i = 0; i < 20 && answer == null; i++) {
                try {
                    answer = readAll(trickle);
                } catch (java.net.SocketTimeoutException more) {
                    trickle.getOutputStream().write(' ');
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            trickle.close();
            assertTrue(answer != null && answer.startsWith("HTTP/1.1 408"), String.valueOf(answer));
            assertTrue(answer.contains("{\"error\":\"the body did not arrive within 2 s"), answer);
            assertTrue(seconds > 1.5 && seconds < 4, "408 after " + seconds + " s");
            String first = readAll(slowBodies.get(0)); // long past its deadline by now
            assertTrue(first.startsWith("HTTP/1.1 408"), first);
        } finally {
            for (Socket s : slowBodies) {
                s.close();
            }
            for (Socket s : slowloris) {
                s.close();
            }
        }
    }

    /** Chunked bodies have the declared ones' limit: one byte over it is 413 for every content type. */
    @Test
    void chunkedBodiesOverTheLimitAre413() throws Exception {
        String part = "--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"d.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n";
        for (String type : List.of(
                "application/json", "image/png", "application/octet-stream", "multipart/form-data; boundary=b")) {
            byte[] body = new byte[LIMIT + 1];
            java.util.Arrays.fill(body, (byte) ' ');
            byte[] head = (type.startsWith("multipart") ? part : "").getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, body, 0, head.length);
            String answer = chunked("/v1/predict", type, body, 8192);
            assertTrue(answer.startsWith("HTTP/1.1 413"), type + ": " + answer);
            assertTrue(
                    answer.contains("over the limit of " + LIMIT + " bytes (with or without Content-Length)"), answer);
        }
        // At the limit, chunked is read whole and answered.
        byte[] png = ModelServerTest.png(DIGITS, 3);
        String ok = chunked("/v1/predict", "image/png", png, 100);
        assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
        assertTrue(ok.contains("\"digit\":" + DIGITS.label(3)), ok);
    }

    /** A 16-bit RGBA PNG 16777216 pixels wide is refused from its header, before a decoder allocates its rows. */
    @Test
    void aWidePngIsRefusedBeforeDecoding() {
        Http.Answer wide = http.post("image/png", png(16_777_216, 1, 16, 6, new byte[0]));
        assertEquals(413, wide.status(), wide.body());
        assertTrue(
                wide.json()
                        .get("error")
                        .asText()
                        .contains("is 16777216x1 pixels; the limit is 16384 pixels a " + "side"),
                wide.body());
    }

    /** Every route needs the token however its path is spelt; only the probes and the page are open. */
    @Test
    void everySpellingOfEveryRouteNeedsTheToken() throws Exception {
        try (ModelServer guarded = ModelServer.start(model, CONFIG.access(ServeConfig.Access.OPEN.token(TOKEN)))) {
            int port = guarded.port();
            List<String> routes = List.of(
                    "GET /metrics",
                    "GET /v1/model",
                    "GET /v1/models",
                    "GET /v1/models/tiny",
                    "POST /v1/predict",
                    "POST /v1/models/tiny/predict",
                    "POST /v1/models/tiny/reload");
            List<String> leaks = new ArrayList<>();
            int tried = 0;
            for (String route : routes) {
                String method = route.substring(0, route.indexOf(' '));
                String path = route.substring(route.indexOf(' ') + 1);
                String tail = path.substring(1);
                for (String variant : List.of(
                        path,
                        path + "/",
                        path + "?",
                        path + "?x=1",
                        "/" + path,
                        "/" + Character.toUpperCase(tail.charAt(0)) + tail.substring(1),
                        "/v1/.." + path,
                        "/healthz/.." + path,
                        "/readyz/../" + tail,
                        path + ";x",
                        path + "/.",
                        "/%" + Integer.toHexString(tail.charAt(0)) + tail.substring(1),
                        path.replace("/", "//"))) {
                    String answer = raw(
                            port,
                            method + " " + variant + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
                    int status = Integer.parseInt(answer.substring(9, 12));
                    tried++;
                    if (status != 401 && status != 400) { // 400: Jetty refuses some spellings outright
                        leaks.add(method + " " + variant + " -> " + status);
                    }
                }
            }
            assertTrue(leaks.isEmpty(), leaks.size() + " of " + tried + " answered without the token: " + leaks);
            for (String open : List.of("/healthz", "/readyz", "/", "/app.js")) {
                String answer = raw(port, "GET " + open + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
                assertTrue(answer.startsWith("HTTP/1.1 200"), open + ": " + answer);
            }
            Http.Answer scrape = new Http(guarded.uri()).withToken(TOKEN).get("metrics");
            assertEquals(200, scrape.status());
        }
    }

    /**
     * While the file flips between two models and is reloaded 20 times, every answer's probabilities are those of
     * the model its answer names. A zip replaced without its sidecar shows the sidecar as unknown.
     */
    @Test
    void answersNameTheModelThatComputedThem() throws Exception {
        Path flipping = dir.resolve("flip.zip");
        ServingAccessTest.copyModel(model, flipping);
        Map<String, DigitClassifier> bySha =
                Map.of(sha(model), DigitClassifier.load(model), sha(other), DigitClassifier.load(other));
        try (ModelServer flip = ModelServer.start(flipping, ModelServerTest.CONFIG)) {
            Http client = new Http(flip.uri());
            AtomicBoolean flipping0 = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<String> wrong = Collections.synchronizedList(new ArrayList<>());
            List<Integer> answered = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                int offset = c;
                clients.add(pool.submit(() -> {
                    for (int n = offset; flipping0.get(); n += 3) {
                        int i = n % DIGITS.size();
                        JsonNode a =
                                client.postPixels(Fixtures.pixels(DIGITS, i)).json();
                        float expected = bySha.get(a.get("model").get("sha256").asText())
                                .predict(Fixtures.pixels(DIGITS, i))
                                .probability();
                        if (Math.abs(a.get("probability").floatValue() - expected) > 1e-5f) {
                            wrong.add(i + ": " + a.get("probability") + " vs " + expected);
                        }
                        answered.add(i);
                    }
                }));
            }
            for (int k = 0; k < 20; k++) {
                Files.copy(k % 2 == 0 ? other : model, flipping, StandardCopyOption.REPLACE_EXISTING);
                Files.setLastModifiedTime(
                        dir.resolve("flip.json"), FileTime.from(Instant.now().plusSeconds(60)));
                assertTrue(flip.reloadAll().contains("flip"));
                Thread.sleep(50);
            }
            flipping0.set(false);
            for (Future<?> f : clients) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(answered.size() > 50, answered.size() + " answers");
            assertTrue(
                    wrong.isEmpty(),
                    wrong.size() + " of " + answered.size() + " answers named another model: "
                            + wrong.subList(0, Math.min(5, wrong.size())));

            // The zip replaced on its own: its sidecar (alpha's numbers) is not shown as this model's.
            Files.copy(other, flipping, StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(
                    dir.resolve("flip.json"), FileTime.from(Instant.now().minusSeconds(60)));
            assertTrue(flip.reloadAll().contains("flip"));
            JsonNode sidecar = client.get("v1/models/flip").json().get("sidecar");
            assertFalse(sidecar.has("test"), sidecar.toString());
            assertTrue(
                    sidecar.get("note").asText().contains("its numbers are unknown for this model"),
                    sidecar.toString());
        }
    }

    /** Bad chunk framing is a 4xx JSON error; a client that hangs up mid-body is counted apart, never as a 5xx. */
    @Test
    void badFramingIs4xxAndAbortsAreNot5xx() throws Exception {
        int port = server.port();
        String head = "POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        for (String framing : List.of("zz\r\n{}\r\n0\r\n\r\n", "123456789012345678\r\n{}\r\n0\r\n\r\n")) {
            String answer = raw(port, head + framing);
            assertTrue(answer.startsWith("HTTP/1.1 400"), framing + ": " + answer);
            assertTrue(answer.contains("{\"error\":"), answer);
        }
        // Bad framing after a first good chunk, when the request is already being read.
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write((head + "2\r\n{\"\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300);
            out.write("zz\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(5000);
            String answer = readAll(s);
            assertFalse(answer.startsWith("HTTP/1.1 5"), answer);
        }
        double abortedBefore = counter("http_rejections_total{reason=\"client_aborted\"}");
        for (int i = 0; i < 5; i++) {
            try (Socket s = open("POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 5000\r\n\r\n{\"pixels\": [")) {
                Thread.sleep(100); // the server is reading its body: then the client hangs up
            }
        }
        Thread.sleep(500);
        String metrics = http.get("metrics").body();
        assertEquals(abortedBefore + 5, counter("http_rejections_total{reason=\"client_aborted\"}"), 0.0);
        assertFalse(Pattern.compile("status=\"5\\d\\d\"").matcher(metrics).find(), "no 5xx in the metrics");
    }

    private static double counter(String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + " (\\S+)")
                .matcher(http.get("metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static String sha(Path file) throws IOException {
        return Mnist.sha256(Files.readAllBytes(file));
    }

    /** A connection that has sent {@code text} and waits. */
    static Socket open(String text) throws IOException {
        return open(server.port(), text);
    }

    static Socket open(int port, String text) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** One request on its own connection, the whole answer as text. */
    static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readAll(s);
        }
    }

    /** {@code body} sent chunked in pieces of {@code piece} bytes; the answer as text. */
    static String chunked(String path, String type, byte[] body, int piece) throws IOException {
        return chunked(server.port(), path, type, body, piece, "");
    }

    static String chunked(int port, String path, String type, byte[] body, int piece, String headers)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type + "\r\n" + headers
                            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            try {
                for (int at = 0; at < body.length; at += piece) {
                    int n = Math.min(piece, body.length - at);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, at, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException answeredEarly) { // the server answered and closed before the rest was sent
            }
            return readAll(s);
        }
    }

    /** Everything until the server closes, or one answer of Content-Length. */
    static String readAll(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            int n;
            try {
                n = in.read(buf);
            } catch (java.net.SocketException reset) {
                break;
            }
            if (n < 0) {
                break;
            }
            got.write(buf, 0, n);
            String text = got.toString(StandardCharsets.ISO_8859_1);
            Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
            int end = text.indexOf("\r\n\r\n");
            if (end > 0 && length.find() && text.length() >= end + 4 + Integer.parseInt(length.group(1))) {
                break;
            }
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** A PNG of {@code width x height} with the given bit depth and colour type, and {@code idat} as its data. */
    static byte[] png(int width, int height, int bitDepth, int colourType, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(
                out,
                "IHDR",
                ByteBuffer.allocate(13)
                        .putInt(width)
                        .putInt(height)
                        .put((byte) bitDepth)
                        .put((byte) colourType)
                        .put((byte) 0)
                        .put((byte) 0)
                        .put((byte) 0)
                        .array());
        if (idat.length > 0) {
            chunk(out, "IDAT", idat);
            chunk(out, "IEND", new byte[0]);
        }
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typed = ByteBuffer.allocate(4 + data.length)
                .put(type.getBytes(StandardCharsets.US_ASCII))
                .put(data)
                .array();
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typed);
        CRC32 crc = new CRC32();
        crc.update(typed);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
