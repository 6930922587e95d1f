package dev.kerasmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.cli.Main;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.inference.DigitClassifier;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The abuse run of issues #30 and before, against a real {@code serve} process on loopback with a token, its heap
 * as the launcher sizes it on a small machine (512 MiB): one case after another, each bounded in count and time,
 * while a client keeps sending good requests and checks every answer against the model it names. Prints one table
 * (case, answers by status, peak RSS, good requests' p50/p99 during the case) and asserts: no 5xx but 503 with
 * Retry-After, every error JSON, good requests answered correctly at p99 under 1 s, peak RSS under 512 MiB + 200 MB,
 * and a clean stop (exit 0). {@code -Dserve.abuse=full} (bench/serve-abuse) runs the full counts; the
 * default is a short version for CI.
 */
class ServeAbuseTest {
    static final MnistSplit DIGITS = Fixtures.synthetic(300, 8);
    static final String TOKEN = "abuse-test-token-0123456789abcdef";
    static final boolean FULL = "full".equals(System.getProperty("serve.abuse"));
    static final String HEAP = System.getProperty("serve.abuse.heap", "512m");
    /** The bound: the heap plus 200 MB. */
    static final long RSS_LIMIT_KIB = (parseMiB(HEAP) + 200) * 1024;

    static final long P99_LIMIT_MICROS = 1_000_000;

    @TempDir
    Path dir;

    /** One row of the table. */
    record Row(String name, Map<Integer, Integer> statuses, long rssKib, double p50Ms, double p99Ms, int good) {}

    @Test
    void survivesHostileLoadInBoundedMemory() throws Exception {
        assumeTrue(File.separatorChar == '/' && Files.isReadable(Path.of("/proc/self/status")), "needs /proc");
        Path model = dir.resolve("abused.zip");
        Path first = dir.resolve("first.zip");
        Path replacement = dir.resolve("replacement.zip");
        Fixtures.trainTinyModel(DIGITS, first);
        Fixtures.trainTinyModel(Fixtures.synthetic(300, 9), replacement);
        Files.copy(first, model);
        Files.copy(dir.resolve("first.json"), dir.resolve("abused.json"));
        // What each model answers for the good requests, by the SHA-256 the answer names.
        Map<String, float[]> truth = new ConcurrentHashMap<>();
        truth.put(dev.kerasmnist.data.Mnist.sha256(Files.readAllBytes(first)), answers(first));
        truth.put(dev.kerasmnist.data.Mnist.sha256(Files.readAllBytes(replacement)), answers(replacement));
        Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx" + HEAP,
                        "-cp",
                        cp,
                        Main.class.getName(),
                        "serve",
                        "--model",
                        model.toString(),
                        "--port",
                        "0",
                        "--token-file",
                        tokenFile.toString(),
                        "--body-timeout",
                        "3",
                        "--stop-grace",
                        "2")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("serve.log").toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process server = pb.start();
        ExecutorService pool = Executors.newFixedThreadPool(72);
        List<Row> rows = new ArrayList<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        try {
            URI base = awaitStart(server, dir.resolve("serve.log"));
            int port = base.getPort();
            Http http = new Http(base).withToken(TOKEN);
            String auth = "Authorization: Bearer " + TOKEN + "\r\n";
            Case run = (name, abuse) -> rows.add(runCase(name, abuse, http, truth, server.pid(), pool, problems));

            run.accept(
                    (FULL ? "1000" : "300") + " slow bodies + " + (FULL ? "1000" : "300") + " slowloris", statuses -> {
                        int n = FULL ? 1000 : 300;
                        List<Socket> held = new ArrayList<>();
                        try {
                            for (int i = 0; i < n; i++) {
                                held.add(ServeHostileTest.open(
                                        port,
                                        "POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                                                + "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"));
                                held.add(ServeHostileTest.open(port, "POST /v1/predict HTTP/1.1\r\nHost: 1"));
                            }
                            Thread.sleep(3500); // past the 3 s body deadline
                            for (int i = 0; i < held.size(); i += 2) {
                                held.get(i).setSoTimeout(2000);
                                statuses.add(status(ServeHostileTest.readAll(held.get(i))));
                            }
                        } finally {
                            for (Socket s : held) {
                                s.close();
                            }
                        }
                    });
            byte[] tenMillion = tenMillionPixelsJson();
            run.accept(
                    (FULL ? 4 : 2) + " chunked JSON bodies of 10^7 pixels (" + tenMillion.length / 1_000_000 + " MB)",
                    statuses -> parallel(
                            pool,
                            FULL ? 4 : 2,
                            () -> statuses.add(status(ServeHostileTest.chunked(
                                    port, "/v1/predict", "application/json", tenMillion, 65536, auth)))));
            byte[] wide = widePng();
            run.accept(
                    "32 wide 16-bit PNGs (16777216x1, " + wide.length / 1000 + " kB) at once",
                    statuses -> parallel(pool, 32, () -> record(http.post("image/png", wide), statuses, problems)));
            byte[] huge = hugePng();
            run.accept(
                    "64 clients x 3 PNGs declaring 4096x4096",
                    statuses -> parallel(pool, 64, () -> {
                        for (int round = 0; round < 3; round++) {
                            record(http.post("image/png", huge), statuses, problems);
                        }
                    }));
            run.accept("400 fuzzed requests", statuses -> fuzz(http, new Random(21), 400, statuses, problems));
            run.accept("path spellings of /metrics without the token", statuses -> {
                for (String path : List.of(
                        "/metrics",
                        "/metrics/",
                        "/metrics?",
                        "/Metrics",
                        "//metrics",
                        "/v1/../metrics",
                        "/healthz/../metrics",
                        "/metrics;x",
                        "/%6detrics")) {
                    String answer = ServeHostileTest.raw(
                            port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Connection: close\r\n\r\n");
                    statuses.add(status(answer));
                    if (answer.contains("jvm_memory")) {
                        problems.add(path + " scraped without the token");
                    }
                }
            });
            run.accept((FULL ? 20 : 6) + " reloads flipping the file", statuses -> {
                for (int k = 0; k < (FULL ? 20 : 6); k++) {
                    Files.copy(k % 2 == 0 ? replacement : first, model, StandardCopyOption.REPLACE_EXISTING);
                    Http.Answer r = http.send("POST", "v1/models/abused/reload", null, null);
                    statuses.add(r.status());
                    Thread.sleep(FULL ? 700 : 300);
                }
            });
            run.accept(
                    (FULL ? 200 : 50) + " bad chunk framings + " + (FULL ? 200 : 50) + " aborted bodies", statuses -> {
                        for (int i = 0; i < (FULL ? 200 : 50); i++) {
                            statuses.add(status(ServeHostileTest.raw(
                                    port,
                                    "POST /v1/predict HTTP/1.1\r\nHost: 1\r\n"
                                            + auth + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                                            + "Connection: close\r\n\r\n" + (i % 2 == 0 ? "zz" : "123456789012345678")
                                            + "\r\n{}\r\n0\r\n\r\n")));
                            try (Socket s = ServeHostileTest.open(
                                    port,
                                    "POST /v1/predict HTTP/1.1\r\nHost: 1\r\n" + auth
                                            + "Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{")) {
                                Thread.sleep(5);
                            }
                        }
                    });

            String metrics = http.get("metrics").body();
            long peakKib = peakRssKib(server.pid());
            // The stop: /readyz 503 during the grace, then exit 0.
            new ProcessBuilder("kill", "-TERM", Long.toString(server.pid()))
                    .start()
                    .waitFor();
            // Polled through the grace: on a busy machine the signal's handler may take a moment to run.
            int ready = 200;
            long graceEnds = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
            while (ready == 200 && System.nanoTime() < graceEnds) {
                ready = http.get("readyz").status();
                if (ready == 200) {
                    Thread.sleep(10);
                }
            }
            boolean exited = server.waitFor(30, TimeUnit.SECONDS);
            rows.add(new Row(
                    "SIGTERM: /readyz then exit " + (exited ? server.exitValue() : -1),
                    new TreeMap<>(Map.of(ready, 1)),
                    peakKib,
                    0,
                    0,
                    0));

            System.out.println(table(rows, peakKib));
            System.out.println("rejections: " + rejections(metrics));
            Files.writeString(
                    Path.of(System.getProperty("serve.abuse.table", "target/serve-abuse.md")),
                    table(rows, peakKib) + "\nrejections: " + rejections(metrics) + "\n");

            assertTrue(
                    problems.isEmpty(),
                    problems.size() + " problems, first: " + problems.subList(0, Math.min(5, problems.size())));
            for (Row row : rows) {
                assertTrue(row.statuses().keySet().stream().noneMatch(s -> s >= 500 && s != 503), row.toString());
                assertTrue(row.p99Ms() * 1000 < P99_LIMIT_MICROS, "good requests' p99 during " + row);
            }
            assertTrue(peakKib < RSS_LIMIT_KIB, "peak RSS " + peakKib / 1024 + " MiB");
            assertEquals(503, ready, "/readyz during the stop's grace");
            assertTrue(exited && server.exitValue() == 0, "a clean stop exits 0");
            assertTrue(metrics.contains("http_rejections_total{reason=\"client_aborted\"}"), rejections(metrics));
            assertFalse(
                    Pattern.compile("status=\"5(0[0-24-9]|[1-9]\\d)\"")
                            .matcher(metrics)
                            .find(),
                    "no 5xx but 503");
            assertTrue(!Files.readString(dir.resolve("serve.log")).contains("OutOfMemoryError"), "no OOM");
        } finally {
            pool.shutdownNow();
            server.destroyForcibly();
        }
    }

    /** One abusive case. */
    interface Abuse {
        void run(List<Integer> statuses) throws Exception;

        /** One client's part of a case. */
        interface Task {
            void run() throws Exception;
        }
    }

    interface Case {
        void accept(String name, Abuse abuse) throws Exception;
    }

    /** Runs {@code abuse} while good requests go on, checked against the model each answer names. */
    private static Row runCase(
            String name,
            Abuse abuse,
            Http http,
            Map<String, float[]> truth,
            long pid,
            ExecutorService pool,
            List<String> problems)
            throws Exception {
        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean abusing = new AtomicBoolean(true);
        AtomicLong rss = new AtomicLong();
        Future<?> good = pool.submit(() -> {
            for (int n = 0; abusing.get() || n < 20; n++) {
                int i = n % DIGITS.size();
                long t = System.nanoTime();
                Http.Answer r = http.postPixels(Fixtures.pixels(DIGITS, i));
                micros.add((System.nanoTime() - t) / 1000);
                rss.accumulateAndGet(rssKib(pid), Math::max);
                if (r.status() != 200) {
                    problems.add(name + ": good request " + n + ": " + r.status() + " " + r.body());
                    continue;
                }
                float[] expected = truth.get(r.json().get("model").get("sha256").asText());
                if (expected == null
                        || Math.abs(expected[i] - r.json().get("probability").floatValue()) > 1e-5f) {
                    problems.add(name + ": good request " + n + " named another model than computed it: "
                            + r.body().substring(0, 80));
                }
            }
        });
        try {
            abuse.run(statuses);
        } finally {
            abusing.set(false);
        }
        good.get(60, TimeUnit.SECONDS);
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        Map<Integer, Integer> byStatus = new TreeMap<>();
        statuses.forEach(s -> byStatus.merge(s, 1, Integer::sum));
        return new Row(
                name,
                byStatus,
                rss.get(),
                sorted.get(sorted.size() / 2) / 1000.0,
                sorted.get(sorted.size() * 99 / 100) / 1000.0,
                sorted.size());
    }

    private static String table(List<Row> rows, long peakKib) {
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "serve abuse, -Xmx%s, peak RSS %d MiB%n%n"
                        + "| case | answers by status | RSS during (MiB) | good requests | p50 ms | p99 ms |%n"
                        + "|---|---|---|---|---|---|%n",
                HEAP,
                peakKib / 1024));
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %d | %.1f | %.1f |%n",
                    r.name(),
                    r.statuses().toString().replaceAll("[{}]", "").replace('=', ':'),
                    r.rssKib() / 1024,
                    r.good(),
                    r.p50Ms(),
                    r.p99Ms()));
        }
        return sb.toString();
    }

    private static void parallel(ExecutorService pool, int n, Abuse.Task task) throws Exception {
        List<Future<?>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(pool.submit(() -> {
                task.run();
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get(120, TimeUnit.SECONDS);
        }
    }

    private static int status(String answer) {
        return answer.startsWith("HTTP/1.1 ") ? Integer.parseInt(answer.substring(9, 12)) : 0; // 0: closed
    }

    /** {"pixels": [10^7 numbers]}: 40 MB of JSON, ten times the body limit. */
    private static byte[] tenMillionPixelsJson() {
        StringBuilder sb = new StringBuilder(40_000_100).append("{\"pixels\": [");
        for (int i = 0; i < 10_000_000; i++) {
            sb.append(i == 0 ? "0.5" : ",0.5");
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The 130 kB PNG: 16777216x1 16-bit RGBA, its one row (128 MiB of zeros) deflated. */
    private static byte[] widePng() throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream z =
                new java.util.zip.DeflaterOutputStream(idat, new java.util.zip.Deflater(9))) {
            byte[] zeros = new byte[1 << 20];
            z.write(0); // the row's filter byte
            for (int i = 0; i < 128; i++) {
                z.write(zeros);
            }
        }
        return ServeHostileTest.png(16_777_216, 1, 16, 6, idat.toByteArray());
    }

    private static long parseMiB(String heap) {
        String h = heap.toLowerCase(Locale.ROOT);
        long n = Long.parseLong(h.replaceAll("\\D", ""));
        return h.endsWith("g") ? n * 1024 : n;
    }

    /** Each status must be a success, a refusal, or a shed request told when to come back. */
    private static void record(Http.Answer r, List<Integer> statuses, List<String> problems) {
        statuses.add(r.status());
        if (r.status() >= 500
                && !(r.status() == 503 && r.headers().firstValue("Retry-After").isPresent())) {
            problems.add(r.status() + " " + r.body());
        }
        if (r.status() >= 400 && !r.body().startsWith("{\"error\":")) {
            problems.add(r.status() + " without a JSON error: " + r.body());
        }
    }

    /** Random methods, paths, content types and bodies, truncated multipart among them. */
    private static void fuzz(Http http, Random random, int count, List<Integer> statuses, List<String> problems) {
        String[] methods = {"GET", "POST", "PUT", "DELETE", "PATCH"};
        String[] paths = {
            "v1/predict",
            "v1/model",
            "v1/models",
            "v1/models/abused/predict",
            "v1/models/x/reload",
            "v1/models/abused",
            "metrics",
            "healthz",
            "v1/predict/../../etc/passwd",
            "%00",
            "v1/%ff%fe"
        };
        String[] types = {
            "application/json",
            "image/png",
            "image/jpeg",
            "multipart/form-data",
            "multipart/form-data; boundary=zz",
            "text/plain",
            "application/json; charset=utf-16",
            null,
            "application/x-www-form-urlencoded",
            "image/gif"
        };
        for (int i = 0; i < count; i++) {
            byte[] body = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(8192)];
            random.nextBytes(body);
            if (i % 7 == 0) {
                body = ("--zz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.png\"\r\n\r\n\u0089PNG")
                        .getBytes(StandardCharsets.ISO_8859_1);
            } else if (i % 11 == 0) {
                body = "{\"pixels\": [1, 2, NaN, \"x\"], \"instances\": {}}".getBytes(StandardCharsets.UTF_8);
            }
            String method = methods[random.nextInt(methods.length)];
            String path = paths[random.nextInt(paths.length)];
            if (path.contains("reload")) {
                path = "v1/models/nope/reload"; // reloads are the test's own, not the fuzz's
            }
            try {
                record(
                        http.send(
                                method, path, types[random.nextInt(types.length)], method.equals("GET") ? null : body),
                        statuses,
                        problems);
            } catch (RuntimeException e) {
                if (!path.contains("%")) { // the client itself refuses some malformed paths
                    problems.add(method + " " + path + ": " + e);
                }
            }
        }
    }

    /** A digit drawn 3,000 px tall on 4096x4096 RGB pixels: 64 MB decoded (48 MB of RGB), a small PNG file. */
    private static byte[] hugePng() throws Exception {
        BufferedImage image = new BufferedImage(4096, 4096, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage digit = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < 784; p++) {
            int v = DIGITS.images().pixel(0, p);
            digit.setRGB(p % 28, p / 28, new Color(v, v, v).getRGB());
        }
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(digit, 500, 500, 3000, 3000, null);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** The top probability the model gives each good request: equal only for the model that computed it. */
    private static float[] answers(Path model) throws Exception {
        DigitClassifier classifier = DigitClassifier.load(model);
        float[] top = new float[DIGITS.size()];
        for (int i = 0; i < top.length; i++) {
            top[i] = classifier.predict(Fixtures.pixels(DIGITS, i)).probability();
        }
        return top;
    }

    private static URI awaitStart(Process server, Path log) throws Exception {
        Pattern uri = Pattern.compile("on (http://\\S+/)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && server.isAlive()) {
            Matcher m = uri.matcher(Files.readString(log));
            if (m.find()) {
                return URI.create(m.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("serve did not start: " + Files.readString(log));
    }

    /** The process's high-water mark of resident memory (VmHWM), in KiB. */
    private static long peakRssKib(long pid) throws IOException {
        return status(pid, "VmHWM:");
    }

    /** Its resident memory now (VmRSS), in KiB; 0 once it is gone. */
    private static long rssKib(long pid) {
        try {
            return status(pid, "VmRSS:");
        } catch (IOException | AssertionError gone) {
            return 0;
        }
    }

    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no " + field + " for " + pid);
    }

    private static String rejections(String metrics) {
        StringBuilder sb = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new java.io.StringReader(metrics))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("http_rejections_total{")) {
                    sb.append(line.substring("http_rejections_total".length())).append(' ');
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return sb.toString().trim();
    }
}
