package dev.kerasmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.factory.Nd4j;

class ModelServerTest {
    static final MnistSplit DIGITS = Fixtures.synthetic(400, 3);
    /** Small limits so that the tests can cross them cheaply; a long wait so that concurrent requests batch. */
    /** Tests stop at once: no grace period for a load balancer that is not there. */
    static final ServeConfig.Timing QUICK_STOP =
            new ServeConfig.Timing(Duration.ofSeconds(20), Duration.ZERO, Duration.ofSeconds(10));

    static final ServeConfig CONFIG = ServeConfig.DEFAULTS
            .port(0)
            .timing(QUICK_STOP)
            .maxWait(Duration.ofMillis(20))
            .maxBodyBytes(64 * 1024)
            .maxPixels(1_000_000)
            .maxInstances(8);
    /** Batched rows go through one GEMM, single images through DL4J's own per-image output: rounding may differ. */
    static final float TOLERANCE = 1e-6f;

    @TempDir
    static Path dir;

    static Path model;
    static float[][] expected;
    static ModelServer server;
    static Http http;

    @BeforeAll
    static void start() throws IOException {
        model = dir.resolve("tiny.zip");
        Fixtures.trainTinyModel(DIGITS, model);
        // The reference: stock DL4J (no fast path), one image per output() call, on this thread only.
        MultiLayerNetwork stock = MultiLayerNetwork.load(model.toFile(), false);
        expected = new float[DIGITS.size()][];
        for (int n = 0; n < DIGITS.size(); n++) {
            expected[n] = stock.output(Nd4j.create(Fixtures.pixels(DIGITS, n), 1, 784), false)
                    .toFloatVector();
        }
        server = ModelServer.start(model, CONFIG);
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A 28x28 gray PNG of test image {@code n}: white on black, so preprocessing passes it through as pixel/255. */
    static byte[] png(int n) {
        return png(DIGITS, n);
    }

    static byte[] png(MnistSplit digits, int n) {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < 784; p++) {
            image.getRaster().setSample(p % 28, p / 28, 0, digits.images().pixel(n, p));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Checks one prediction against the reference and returns the largest probability difference. */
    static float check(JsonNode prediction, int n) {
        float[] probabilities = Http.floats(prediction.get("probabilities"));
        assertEquals(10, probabilities.length);
        float worst = 0;
        int best = 0;
        for (int d = 0; d < 10; d++) {
            worst = Math.max(worst, Math.abs(probabilities[d] - expected[n][d]));
            best = expected[n][d] > expected[n][best] ? d : best;
        }
        assertEquals(best, prediction.get("digit").intValue(), "image " + n);
        assertTrue(
                worst <= TOLERANCE,
                "image " + n + ": " + Arrays.toString(probabilities) + " vs " + Arrays.toString(expected[n]));
        assertEquals(best, prediction.get("top3").get(0).get("digit").intValue());
        return worst;
    }

    @Test
    void concurrentRequestsGetTheirOwnAnswers() throws Exception {
        int clients = 16;
        int perClient = 25;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Float>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            results.add(pool.submit(() -> {
                float worst = 0;
                for (int r = 0; r < perClient; r++) {
                    int n = (client * perClient + r) % (DIGITS.size() - 2);
                    switch (r % 3) {
                        case 0 -> {
                            Http.Answer a = http.postPixels(Fixtures.pixels(DIGITS, n));
                            assertEquals(200, a.status(), a.body());
                            worst = Math.max(worst, check(a.json(), n));
                        }
                        case 1 -> {
                            Http.Answer a = http.post("image/png", png(n));
                            assertEquals(200, a.status(), a.body());
                            worst = Math.max(worst, check(a.json(), n));
                            assertEquals(784, a.json().get("preprocessed").size());
                        }
                        default -> {
                            Http.Answer a = http.postInstances(List.of(
                                    Fixtures.pixels(DIGITS, n),
                                    Fixtures.pixels(DIGITS, n + 1),
                                    Fixtures.pixels(DIGITS, n + 2)));
                            assertEquals(200, a.status(), a.body());
                            JsonNode predictions = a.json().get("predictions");
                            assertEquals(3, predictions.size());
                            for (int i = 0; i < 3; i++) {
                                worst = Math.max(worst, check(predictions.get(i), n + i));
                            }
                        }
                    }
                }
                return worst;
            }));
        }
        float worst = 0;
        for (Future<Float> f : results) {
            worst = Math.max(worst, f.get());
        }
        pool.shutdown();
        System.out.println("largest difference from single-image output(): " + worst);
        // The requests were really coalesced: some forward pass held more than one request's images.
        String metrics = http.get("metrics").body();
        assertTrue(metric(metrics, "predict_batch_size_max") > 3, metrics);
        assertTrue(metric(
                        metrics,
                        "http_server_requests_seconds_count\\{method=\"POST\",route=\"/v1/predict\","
                                + "status=\"200\"}")
                >= clients * perClient);
    }

    static double metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), name + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void answersNameTheModelAndTheTop3() {
        JsonNode a = http.postPixels(Fixtures.pixels(DIGITS, 7)).json();
        assertEquals("tiny.zip", a.get("model").get("file").asText());
        assertEquals(
                server.modelId().get("sha256"), a.get("model").get("sha256").asText());
        assertEquals(64, a.get("model").get("sha256").asText().length());
        assertEquals(3, a.get("top3").size());
        assertTrue(a.get("top3").get(0).get("probability").floatValue()
                >= a.get("top3").get(1).get("probability").floatValue());
        assertEquals(
                a.get("probability").floatValue(),
                a.get("top3").get(0).get("probability").floatValue());
        assertFalse(a.has("preprocessed"), "JSON pixels are used as sent");
    }

    @Test
    void multipartUploadIsPreprocessedLikePredict() {
        String boundary = "----keras-mnist-test";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"d.png\"\r\n"
                        + "Content-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(png(11));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        Http.Answer a = http.post("multipart/form-data; boundary=" + boundary, body.toByteArray());
        assertEquals(200, a.status(), a.body());
        check(a.json(), 11);
        float[] seen = Http.floats(a.json().get("preprocessed"));
        assertTrue(Arrays.equals(Fixtures.pixels(DIGITS, 11), seen), "a 28x28 MNIST image passes unchanged");
    }

    @Test
    void modelHealthAndReadiness() {
        Http.Answer model = http.get("v1/model");
        assertEquals(200, model.status());
        JsonNode sidecar = model.json().get("sidecar");
        assertEquals(0.5, sidecar.get("test").get("accuracy").doubleValue());
        assertEquals(32, sidecar.get("model").get("layers").get(0).get("units").intValue());
        assertEquals("recipe", sidecar.get("origin").get("kind").asText());
        assertEquals("ok", http.get("healthz").json().get("status").asText());
        assertEquals("ready", http.get("readyz").json().get("status").asText());
        Http.Answer page = http.get("");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("<canvas id=\"pad\""));
        assertFalse(page.body().contains("http://") || page.body().contains("https://"), "nothing from elsewhere");
        assertEquals(200, http.get("app.js").status());
    }

    @Test
    void metricsArePrometheusText() {
        http.get("no/such/page");
        String metrics = http.get("metrics").body();
        assertTrue(metrics.contains("# TYPE http_server_requests_seconds histogram"), metrics);
        assertTrue(
                metrics.contains("http_server_requests_seconds_bucket{method=\"GET\",route=\"other\","
                        + "status=\"404\",le=\"0.001\"}"),
                metrics);
        assertTrue(metrics.contains("# TYPE predict_batch_size histogram"));
        assertTrue(metrics.contains("predict_batch_size_bucket{le=\"64.0\"}"));
        assertTrue(metrics.contains("# TYPE predict_queue_depth gauge"));
    }

    /** A PNG whose header declares {@code w}x{@code h} pixels and which has no image data at all. */
    static byte[] pngHeaderOnly(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(w)
                .putInt(h)
                .put((byte) 8)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        byte[] chunk = ByteBuffer.allocate(17)
                .put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .put(ihdr.array())
                .array();
        out.writeBytes(chunk);
        CRC32 crc = new CRC32();
        crc.update(chunk);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

    static String pixelsJson(String values) {
        return "{\"pixels\": [" + values + "]}";
    }

    static String zeros(int n, String last) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n - 1; i++) {
            sb.append("0,");
        }
        return sb.append(last).toString();
    }

    static Stream<Arguments> badRequests() {
        byte[] big = new byte[100 * 1024];
        StringBuilder nine = new StringBuilder("{\"instances\": [");
        for (int i = 0; i < 9; i++) {
            nine.append(i == 0 ? "" : ",").append('[').append(zeros(784, "0")).append(']');
        }
        nine.append("]}");
        return Stream.of(
                Arguments.of(
                        "empty JSON body",
                        "POST",
                        "v1/predict",
                        "application/json",
                        new byte[0],
                        400,
                        "the body is empty"),
                Arguments.of(
                        "empty image body", "POST", "v1/predict", "image/png", new byte[0], 400, "the body is empty"),
                Arguments.of(
                        "not an image",
                        "POST",
                        "v1/predict",
                        "image/png",
                        utf8("hello, not a png"),
                        400,
                        "not an image this program can read (PNG, JPEG, BMP or GIF)"),
                Arguments.of("too many bytes", "POST", "v1/predict", "image/png", big, 413, "the limit is 65536 bytes"),
                Arguments.of(
                        "too many pixels, refused from the header",
                        "POST",
                        "v1/predict",
                        "image/png",
                        pngHeaderOnly(100_000, 100_000),
                        413,
                        "is 100000x100000 pixels; the limit is 1000000"),
                Arguments.of(
                        "wrong length",
                        "POST",
                        "v1/predict",
                        "application/json",
                        utf8(pixelsJson(zeros(783, "0"))),
                        400,
                        "must be an array of 784 numbers"),
                Arguments.of(
                        "NaN",
                        "POST",
                        "v1/predict",
                        "application/json",
                        utf8(pixelsJson(zeros(784, "NaN"))),
                        400,
                        "pixels[783] is NaN; expected a number in 0..1"),
                Arguments.of(
                        "above 1",
                        "POST",
                        "v1/predict",
                        "application/json",
                        utf8(pixelsJson(zeros(784, "255"))),
                        400,
                        "pixels[783] is 255; expected a number in 0..1"),
                Arguments.of(
                        "negative",
                        "POST",
                        "v1/predict",
                        "application/json",
                        utf8(pixelsJson(zeros(784, "-0.5"))),
                        400,
                        "pixels[783] is -0.5"),
                Arguments.of(
                        "a string",
                        "POST",
                        "v1/predict",
                        "application/json",
                        utf8(pixelsJson(zeros(784, "\"x\""))),
                        400,
                        "expected a number in 0..1"),
                Arguments.of(
                        "not JSON", "POST", "v1/predict", "application/json", utf8("{pixels"), 400, "not valid JSON"),
                Arguments.of(
                        "neither key",
                        "POST",
                        "v1/predict",
                        "application/json",
                        utf8("{\"image\": []}"),
                        400,
                        "exactly one key, \"pixels\" or \"instances\""),
                Arguments.of(
                        "batch over the limit",
                        "POST",
                        "v1/predict",
                        "application/json",
                        utf8(nine.toString()),
                        413,
                        "\"instances\" has 9 images; the limit is 8"),
                Arguments.of(
                        "wrong content type",
                        "POST",
                        "v1/predict",
                        "text/plain",
                        utf8("7"),
                        415,
                        "content type 'text/plain' is not accepted"),
                Arguments.of(
                        "no content type",
                        "POST",
                        "v1/predict",
                        null,
                        utf8("7"),
                        415,
                        "content type '(none)' is not accepted"),
                Arguments.of(
                        "multipart without a file",
                        "POST",
                        "v1/predict",
                        "multipart/form-data; boundary=b",
                        utf8("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--b--\r\n"),
                        400,
                        "the multipart form has no file"),
                Arguments.of("unknown route", "GET", "v2/predict", null, null, 404, "no route GET /v2/predict"),
                Arguments.of(
                        "wrong method",
                        "GET",
                        "v1/predict",
                        null,
                        null,
                        405,
                        "method GET is not allowed on /v1/predict"),
                Arguments.of(
                        "wrong method on the model",
                        "DELETE",
                        "v1/model",
                        null,
                        null,
                        405,
                        "method DELETE is not allowed on /v1/model"));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGetAClear4xxAndTheServerKeepsServing(
            String name, String method, String path, String type, byte[] body, int status, String message) {
        Http.Answer a = http.send(method, path, type, body);
        assertEquals(status, a.status(), a.body());
        assertTrue(a.contentType().startsWith("application/json"), a.contentType());
        String error = a.json().get("error").asText();
        assertTrue(error.contains(message), error);
        assertNotNull(a.json().get("error"));

        Http.Answer next = http.postPixels(Fixtures.pixels(DIGITS, 5));
        assertEquals(200, next.status(), next.body());
        check(next.json(), 5);
    }

    @Test
    void aModelThatDoesNotLoadRefusesToStart() throws IOException {
        Path missing = dir.resolve("missing.zip");
        IOException e = assertThrows(IOException.class, () -> ModelServer.start(missing, CONFIG));
        assertTrue(e.getMessage().contains("missing.zip"), e.getMessage());
        Path junk = java.nio.file.Files.writeString(dir.resolve("junk.zip"), "not a model");
        e = assertThrows(IOException.class, () -> ModelServer.start(junk, CONFIG));
        assertTrue(e.getMessage().contains("is not a loadable DL4J model"), e.getMessage());
    }

    @Test
    void aTakenPortIsOneClearError() {
        IOException e = assertThrows(IOException.class, () -> ModelServer.start(model, CONFIG.port(server.port())));
        assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + server.port()), e.getMessage());
        assertEquals(
                java.util.List.of(new dev.kerasmnist.failures.Remedy.OtherPort(
                        dev.kerasmnist.failures.Remedy.OtherPort.Listener.SERVER)),
                ((dev.kerasmnist.failures.Failure) e).remedies());
    }
}
