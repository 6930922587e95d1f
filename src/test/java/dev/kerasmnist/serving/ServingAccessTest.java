package dev.kerasmnist.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token, TLS, several models with reload, and the malformed bodies that must be 4xx. */
class ServingAccessTest {
    static final MnistSplit DIGITS = Fixtures.synthetic(300, 5);
    static final String TOKEN = "s3cret-token-of-32-characters-ok";
    static final ServeConfig LOCAL = ServeConfig.DEFAULTS.port(0).timing(ModelServerTest.QUICK_STOP);

    @TempDir
    static Path dir;

    static Path a;
    static Path b;
    static Path other;

    @BeforeAll
    static void models() throws Exception {
        a = dir.resolve("alpha.zip");
        b = dir.resolve("beta.zip");
        other = dir.resolve("other.zip");
        Fixtures.trainTinyModel(DIGITS, a);
        Fixtures.trainTinyModel(Fixtures.synthetic(300, 6), other);
        copyModel(a, b);
    }

    /** Replaces {@code to} (zip and sidecar) as train does: written aside, then moved over it. */
    static void copyModel(Path from, Path to) throws Exception {
        for (String suffix : List.of(".zip", ".json")) {
            Path src = from.resolveSibling(from.getFileName().toString().replace(".zip", suffix));
            Path dst = to.resolveSibling(to.getFileName().toString().replace(".zip", suffix));
            Path tmp = Files.copy(
                    src, dst.resolveSibling(dst.getFileName() + ".tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    @Test
    void withATokenTheApiNeedsItAndTheProbesAndPageDoNot() throws Exception {
        try (ModelServer server = ModelServer.start(a, LOCAL.access(ServeConfig.Access.OPEN.token(TOKEN)))) {
            Http anonymous = new Http(server.uri());
            byte[] pixels =
                    Http.json(Http.JSON.createObjectNode().set("pixels", Http.array(Fixtures.pixels(DIGITS, 0))));
            for (String path : List.of("v1/model", "v1/models", "metrics")) {
                Http.Answer refused = anonymous.get(path);
                assertEquals(401, refused.status(), path);
                assertTrue(refused.json().get("error").asText().contains("Authorization: Bearer"), refused.body());
                assertEquals(
                        "Bearer realm=\"keras-mnist\"",
                        refused.headers().firstValue("WWW-Authenticate").orElse(""));
                assertFalse(refused.body().contains(TOKEN));
            }
            assertEquals(401, anonymous.post("application/json", pixels).status());
            assertEquals(
                    401,
                    anonymous
                            .withToken(TOKEN + "x")
                            .post("application/json", pixels)
                            .status());
            assertEquals(
                    401,
                    anonymous
                            .withToken(TOKEN.substring(1))
                            .post("application/json", pixels)
                            .status());
            assertEquals(200, anonymous.get("healthz").status());
            assertEquals(200, anonymous.get("readyz").status());
            assertEquals(200, anonymous.get("").status(), "the page loads, then asks for the token");
            Http.Answer ok = anonymous.withToken(TOKEN).post("application/json", pixels);
            assertEquals(200, ok.status(), ok.body());
            assertEquals(DIGITS.label(0), ok.json().get("digit").asInt());
            String metrics = anonymous.withToken(TOKEN).get("metrics").body();
            assertTrue(metrics.contains("http_rejections_total{reason=\"unauthorized\"} 6.0"), metrics);
        }
        String shown = LOCAL.access(ServeConfig.Access.OPEN.token(TOKEN)).toString();
        assertFalse(shown.contains(TOKEN), "a configuration never shows its token: " + shown);
        IllegalArgumentException shortToken =
                assertThrows(IllegalArgumentException.class, () -> ServeConfig.Access.OPEN.token("short"));
        assertTrue(shortToken.getMessage().contains("at least 16"), shortToken.getMessage());
    }

    @Test
    void anotherInterfaceWithoutATokenIsRefusedUnlessInsecure() throws Exception {
        ServeConfig everywhere = LOCAL.host("0.0.0.0");
        dev.kerasmnist.failures.SettingException e =
                assertThrows(dev.kerasmnist.failures.SettingException.class, () -> ModelServer.start(a, everywhere));
        assertEquals(java.util.List.of(new dev.kerasmnist.failures.Remedy.TokenOrInsecure()), e.remedies());
        try (ModelServer server = ModelServer.start(a, everywhere.access(ServeConfig.Access.OPEN.insecure(true)))) {
            assertEquals(
                    200,
                    new Http(java.net.URI.create("http://127.0.0.1:" + server.port() + "/"))
                            .get("healthz")
                            .status());
        }
        try (ModelServer server = ModelServer.start(a, everywhere.access(ServeConfig.Access.OPEN.token(TOKEN)))) {
            assertTrue(server.port() > 0, "a token is enough");
        }
    }

    @Test
    void httpsWithAKeystore() throws Exception {
        Path keystore = dir.resolve("server.p12");
        String password = "keystore-password";
        Fixtures.selfSignedKeystore(keystore, password);
        ServeConfig tls = LOCAL.access(ServeConfig.Access.OPEN.tls(new ServeConfig.Tls(keystore, password)));
        try (ModelServer server = ModelServer.start(a, tls)) {
            assertTrue(
                    server.uri().toString().startsWith("https://127.0.0.1:"),
                    server.uri().toString());
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                trusted.load(in, password.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            Http https = Http.with(
                    server.uri(),
                    HttpClient.newBuilder()
                            .sslContext(ssl)
                            .connectTimeout(Duration.ofSeconds(5))
                            .build());
            assertEquals(200, https.get("healthz").status());
            Http.Answer answer = https.postPixels(Fixtures.pixels(DIGITS, 1));
            assertEquals(200, answer.status(), answer.body());
            Http plain = new Http(java.net.URI.create("http://127.0.0.1:" + server.port() + "/"));
            assertThrows(RuntimeException.class, () -> {
                Http.Answer r = plain.get("healthz");
                if (r.status() != 200) {
                    throw new IllegalStateException("refused: " + r.status());
                }
                throw new AssertionError("plain HTTP answered on the HTTPS port");
            });
        }
    }

    @Test
    void severalModelsAndAReloadThatSwapsOnlyAModelThatLoads() throws Exception {
        copyModel(a, b);
        try (ModelServer server = ModelServer.start(List.of(a, b), LOCAL)) {
            Http http = new Http(server.uri());
            assertEquals(List.of("alpha", "beta"), server.modelNames());
            JsonNode listed = http.get("v1/models").json();
            assertEquals("alpha", listed.get("default").asText());
            assertEquals(2, listed.get("models").size());
            assertEquals("beta", listed.get("models").get(1).get("name").asText());
            assertEquals(
                    "recipe",
                    listed.get("models")
                            .get(1)
                            .get("sidecar")
                            .get("origin")
                            .get("kind")
                            .asText());
            String before = listed.get("models").get(1).get("sha256").asText();

            byte[] pixels =
                    Http.json(Http.JSON.createObjectNode().set("pixels", Http.array(Fixtures.pixels(DIGITS, 2))));
            Http.Answer viaBeta = http.send("POST", "v1/models/beta/predict", "application/json", pixels);
            assertEquals(200, viaBeta.status(), viaBeta.body());
            assertEquals(before, viaBeta.json().get("model").get("sha256").asText());
            assertEquals(
                    "alpha.zip",
                    http.post("application/json", pixels)
                            .json()
                            .get("model")
                            .get("file")
                            .asText());
            Http.Answer unknown = http.send("POST", "v1/models/gamma/predict", "application/json", pixels);
            assertEquals(404, unknown.status());
            assertTrue(unknown.json().get("error").asText().contains("served: alpha, beta"), unknown.body());

            // A new file that loads: swapped in.
            copyModel(other, b);
            Http.Answer reloaded = http.send("POST", "v1/models/beta/reload", null, null);
            assertEquals(200, reloaded.status(), reloaded.body());
            String after = reloaded.json().get("sha256").asText();
            assertNotEquals(before, after);
            assertEquals(
                    after,
                    http.send("POST", "v1/models/beta/predict", "application/json", pixels)
                            .json()
                            .get("model")
                            .get("sha256")
                            .asText());

            // A file that does not load: refused, the previous one goes on serving, and the reason is shown.
            Files.writeString(b, "not a model any more");
            Http.Answer failed = http.send("POST", "v1/models/beta/reload", null, null);
            assertEquals(409, failed.status(), failed.body());
            assertTrue(
                    failed.json().get("reload_error").asText().contains("is not a loadable DL4J model"), failed.body());
            assertEquals(after, http.get("v1/models/beta").json().get("sha256").asText());
            assertEquals(
                    200,
                    http.send("POST", "v1/models/beta/predict", "application/json", pixels)
                            .status());
            assertEquals(List.of("alpha"), server.reloadAll(), "SIGHUP's reload: alpha loads, beta still not");
        } finally {
            copyModel(a, b);
        }
    }

    @Test
    void malformedBodiesAre4xxThatSayWhatIsExpected() throws Exception {
        try (ModelServer server = ModelServer.start(a, LOCAL)) {
            Http http = new Http(server.uri());
            byte[] png = ModelServerTest.png(DIGITS, 3);
            String part = "--XyZ\r\nContent-Disposition: form-data; name=\"image\"; filename=\"d.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n";
            byte[] head = part.getBytes(StandardCharsets.ISO_8859_1);
            byte[] truncated = new byte[head.length + png.length / 2];
            System.arraycopy(head, 0, truncated, 0, head.length);
            System.arraycopy(png, 0, truncated, head.length, png.length / 2);
            record Case(String what, String type, byte[] body, int status) {}
            List<Case> cases = List.of(
                    new Case("multipart without a boundary", "multipart/form-data", truncated, 400),
                    new Case("truncated multipart", "multipart/form-data; boundary=XyZ", truncated, 400),
                    new Case("multipart with another boundary", "multipart/form-data; boundary=Other", truncated, 400),
                    new Case(
                            "multipart of garbage",
                            "multipart/form-data; boundary=XyZ",
                            "\u0000\u0001garbage".getBytes(StandardCharsets.ISO_8859_1),
                            400),
                    new Case(
                            "JSON in UTF-16",
                            "application/json; charset=utf-16",
                            "{\"pixels\": [0]}".getBytes(StandardCharsets.UTF_16),
                            415),
                    new Case(
                            "JSON in an unknown charset",
                            "application/json; charset=klingon",
                            "{\"pixels\": [0]}".getBytes(StandardCharsets.UTF_8),
                            415),
                    new Case("an image type with a broken image", "image/png", truncated, 400));
            for (Case c : cases) {
                Http.Answer r = http.post(c.type(), c.body());
                assertEquals(c.status(), r.status(), c.what() + ": " + r.body());
                String error = r.json().get("error").asText();
                assertFalse(error.contains("Exception") || error.contains("java."), c.what() + ": " + error);
            }
            Http.Answer ok = http.post("image/png", png);
            assertEquals(200, ok.status(), "still serving: " + ok.body());
        }
    }
}
