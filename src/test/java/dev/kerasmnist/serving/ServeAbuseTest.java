package dev.kerasmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.io.OutputStream;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded soak and abuse run against a real {@code serve} process on loopback, its heap as the launcher would size
 * it on a small machine (512 MiB): 64 concurrent PNGs that declare 4096x4096 pixels, a fuzz of random requests, 100
 * slow and half-open connections, and a reload in the middle, while a client keeps sending good requests. No 5xx but
 * 503 with Retry-After, peak RSS under 1.5 GB, every good request answered correctly, rejections in /metrics.
 */
class ServeAbuseTest {
    static final MnistSplit DIGITS = Fixtures.synthetic(300, 8);
    static final long RSS_LIMIT_KIB = 1536L * 1024;

    @TempDir
    Path dir;

    @Test
    void survivesHostileLoadInBoundedMemory() throws Exception {
        assumeTrue(File.separatorChar == '/' && Files.isReadable(Path.of("/proc/self/status")), "needs /proc");
        Path model = dir.resolve("abused.zip");
        Path replacement = dir.resolve("replacement.zip");
        Fixtures.trainTinyModel(DIGITS, model);
        Fixtures.trainTinyModel(Fixtures.synthetic(300, 9), replacement);
        // What each model answers for the good requests, by the SHA-256 the answer names.
        Map<String, int[]> truth = new ConcurrentHashMap<>();
        truth.put(dev.kerasmnist.data.Mnist.sha256(Files.readAllBytes(model)), answers(model));
        truth.put(dev.kerasmnist.data.Mnist.sha256(Files.readAllBytes(replacement)), answers(replacement));
        byte[] huge = hugePng();

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", cp, Main.class.getName(), "serve",
                "--model", model.toString(), "--port", "0").redirectErrorStream(true)
                .redirectOutput(dir.resolve("serve.log").toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process server = pb.start();
        List<Socket> slow = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(72);
        try {
            URI base = awaitStart(server, dir.resolve("serve.log"));
            Http http = new Http(base);
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            List<Long> goodMicros = Collections.synchronizedList(new ArrayList<>());

            // 100 slow and half-open connections: a request line and part of the headers, then nothing.
            for (int i = 0; i < 100; i++) {
                Socket s = new Socket(base.getHost(), base.getPort());
                OutputStream o = s.getOutputStream();
                o.write(("POST /v1/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n"
                        + "Content-Length: 100000\r\n" + (i % 2 == 0 ? "\r\n" : "")).getBytes(StandardCharsets.US_ASCII));
                o.flush();
                slow.add(s);
            }

            AtomicBoolean abusing = new AtomicBoolean(true);
            Future<?> good = pool.submit(() -> {
                for (int n = 0; abusing.get() || n < 50; n++) {
                    int i = n % DIGITS.size();
                    long t = System.nanoTime();
                    Http.Answer r = http.postPixels(Fixtures.pixels(DIGITS, i));
                    goodMicros.add((System.nanoTime() - t) / 1000);
                    if (r.status() != 200) {
                        problems.add("good request " + n + ": " + r.status() + " " + r.body());
                        continue;
                    }
                    int[] expected = truth.get(r.json().get("model").get("sha256").asText());
                    if (expected == null || expected[i] != r.json().get("digit").asInt()) {
                        problems.add("good request " + n + " answered " + r.body().substring(0, 60));
                    }
                }
            });
            List<Future<?>> attacks = new ArrayList<>();
            for (int t = 0; t < 64; t++) { // 64 at once, 3 rounds each
                attacks.add(pool.submit(() -> {
                    for (int round = 0; round < 3; round++) {
                        record(http.post("image/png", huge), statuses, problems);
                    }
                }));
            }
            attacks.add(pool.submit(() -> fuzz(http, new Random(21), 400, statuses, problems)));
            Thread.sleep(1500);
            Files.copy(replacement, model, StandardCopyOption.REPLACE_EXISTING);
            Http.Answer reload = http.send("POST", "v1/models/abused/reload", null, null);
            assertEquals(200, reload.status(), "reload in the middle of the load: " + reload.body());
            for (Future<?> f : attacks) {
                f.get(120, TimeUnit.SECONDS);
            }
            abusing.set(false);
            good.get(60, TimeUnit.SECONDS);

            String metrics = http.get("metrics").body();
            long peakKib = peakRssKib(server.pid());
            List<Long> sorted = new ArrayList<>(goodMicros);
            Collections.sort(sorted);
            long ok = statuses.stream().filter(s -> s == 200).count();
            long shed = statuses.stream().filter(s -> s == 503).count();
            System.out.printf(Locale.ROOT, "serve abuse: %d abusive requests (%d answered 200, %d shed with 503, %d "
                    + "refused 4xx; the huge PNG is %d bytes); peak RSS %d MiB; %d good requests, p50 %.1f ms, p99 %.1f "
                    + "ms; rejections: %s%n",
                    statuses.size(), ok, shed, statuses.size() - ok - shed, huge.length, peakKib / 1024, sorted.size(),
                    sorted.get(sorted.size() / 2) / 1000.0, sorted.get(sorted.size() * 99 / 100) / 1000.0,
                    rejections(metrics));

            assertTrue(problems.isEmpty(), problems.size() + " problems, first: " + problems.subList(0,
                    Math.min(5, problems.size())));
            assertTrue(peakKib < RSS_LIMIT_KIB, "peak RSS " + peakKib / 1024 + " MiB");
            assertTrue(ok > 0, "some of the huge images were answered");
            assertTrue(metrics.contains("http_rejections_total{reason=\"bad_request\"}"), rejections(metrics));
            assertTrue(http.get("healthz").status() == 200 && http.postPixels(Fixtures.pixels(DIGITS, 1)).status()
                    == 200, "serving after the abuse");
            assertTrue(!Files.readString(dir.resolve("serve.log")).contains("OutOfMemoryError"), "no OOM");
        } finally {
            for (Socket s : slow) {
                s.close();
            }
            pool.shutdownNow();
            server.destroyForcibly();
        }
    }

    /** Each status must be a success, a refusal, or a shed request told when to come back. */
    private static void record(Http.Answer r, List<Integer> statuses, List<String> problems) {
        statuses.add(r.status());
        if (r.status() >= 500 && !(r.status() == 503 && r.headers().firstValue("Retry-After").isPresent())) {
            problems.add(r.status() + " " + r.body());
        }
        if (r.status() >= 400 && !r.body().startsWith("{\"error\":")) {
            problems.add(r.status() + " without a JSON error: " + r.body());
        }
    }

    /** Random methods, paths, content types and bodies, truncated multipart among them. */
    private static void fuzz(Http http, Random random, int count, List<Integer> statuses, List<String> problems) {
        String[] methods = {"GET", "POST", "PUT", "DELETE", "PATCH"};
        String[] paths = {"v1/predict", "v1/model", "v1/models", "v1/models/abused/predict", "v1/models/x/reload",
                "v1/models/abused", "metrics", "healthz", "v1/predict/../../etc/passwd", "%00", "v1/%ff%fe"};
        String[] types = {"application/json", "image/png", "image/jpeg", "multipart/form-data",
                "multipart/form-data; boundary=zz", "text/plain", "application/json; charset=utf-16", null,
                "application/x-www-form-urlencoded", "image/gif"};
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
                record(http.send(method, path, types[random.nextInt(types.length)],
                        method.equals("GET") ? null : body), statuses, problems);
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

    private static int[] answers(Path model) throws Exception {
        DigitClassifier classifier = DigitClassifier.load(model);
        int[] digits = new int[DIGITS.size()];
        for (int i = 0; i < digits.length; i++) {
            digits[i] = classifier.predict(Fixtures.pixels(DIGITS, i)).digit();
        }
        return digits;
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
    private static long peakRssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new AssertionError("no VmHWM for " + pid);
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
