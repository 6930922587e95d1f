package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kerasmnist.Fixtures;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest extends CliHarness {
    @TempDir
    Path tmp;

    @Test
    void aModelThatDoesNotLoadIsOneLineAndExit1() throws IOException {
        assertEquals(1, run("serve", "--model", tmp.resolve("nope.zip").toString(), "--port", "0"));
        String err = stderr.toString().strip();
        assertEquals(1, err.lines().count(), err);
        assertEquals(
                "error: no model at " + tmp.resolve("nope.zip").toAbsolutePath() + "; train one with "
                        + "`keras-mnist train` or pass --model",
                err);
        stderr = new java.io.StringWriter();
        assertEquals(1, run("evaluate", "--model", tmp.resolve("nope.zip").toString()));
        assertEquals(err, stderr.toString().strip(), "serve and evaluate say the same");

        stderr = new java.io.StringWriter();
        Path junk = Files.writeString(tmp.resolve("junk.zip"), "not a model");
        assertEquals(1, run("serve", "--model", junk.toString(), "--port", "0"));
        assertTrue(stderr.toString().strip().lines().count() == 1, stderr.toString());
        assertTrue(stderr.toString().contains("is not a loadable DL4J model"), stderr.toString());
    }

    @Test
    void badOptionsExit2() {
        assertEquals(2, run("serve", "--port", "70000"));
        assertTrue(stderr.toString().contains("port must be in 0..65535"), stderr.toString());
        assertEquals(2, run("serve", "--max-batch", "0"));
    }

    @Test
    void anotherInterfaceWithoutATokenAndBadSecretsAreUsageErrors() throws IOException {
        Path model = tmp.resolve("m.zip");
        Fixtures.trainTinyModel(Fixtures.synthetic(200, 4), model);
        assertEquals(2, run("serve", "--model", model.toString(), "--host", "0.0.0.0", "--port", "0"));
        assertTrue(
                stderr.toString()
                        .contains("without a token lets anyone who can reach the port use it; add "
                                + "--token-file FILE (and --tls-keystore), or --insecure"),
                stderr.toString());
        stderr = new java.io.StringWriter();
        Path shortToken = Files.writeString(tmp.resolve("token"), "tiny\n");
        assertEquals(
                2, run("serve", "--model", model.toString(), "--token-file", shortToken.toString(), "--port", "0"));
        assertTrue(stderr.toString().contains("the token has 4 characters; use at least 16"), stderr.toString());
        assertTrue(!stderr.toString().contains("tiny"), "the token is never printed: " + stderr);
        stderr = new java.io.StringWriter();
        assertEquals(
                2,
                run(
                        "serve",
                        "--model",
                        model.toString(),
                        "--tls-keystore",
                        tmp.resolve("none.p12").toString(),
                        "--port",
                        "0"));
        assertTrue(stderr.toString().contains("HTTPS needs both --tls-keystore FILE"), stderr.toString());
    }

    /**
     * Keystore and token mistakes are one line naming the option and the file, exit 2, before any model loads
     * (the model given here does not exist: loading it would be exit 1). A token in clear text on another
     * interface is warned about.
     */
    @Test
    void configurationErrorsComeFirstAsOneLine() throws Exception {
        Path missingModel = tmp.resolve("never-loaded.zip");
        Path password = Files.writeString(tmp.resolve("password"), "keystore-password\n");
        Path keystore = tmp.resolve("server.p12");
        Fixtures.selfSignedKeystore(keystore, "keystore-password");
        Path wrongPassword = Files.writeString(tmp.resolve("wrong"), "not-the-password\n");
        Path notAKeystore = Files.writeString(tmp.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
        record Case(String what, List<String> args, String says) {}
        for (Case c : List.of(
                new Case(
                        "a wrong password",
                        List.of("--tls-keystore", keystore.toString(), "--tls-password-file", wrongPassword.toString()),
                        "--tls-keystore " + keystore + " cannot be opened: the password in "
                                + "--tls-password-file does not open it"),
                new Case(
                        "not a keystore",
                        List.of("--tls-keystore", notAKeystore.toString(), "--tls-password-file", password.toString()),
                        "--tls-keystore " + notAKeystore + " cannot be opened: it is not a "
                                + "PKCS#12 or JKS keystore"),
                new Case(
                        "no token file",
                        List.of("--token-file", tmp.resolve("none").toString()),
                        "--token-file " + tmp.resolve("none") + " is not a file"))) {
            stderr = new java.io.StringWriter();
            List<String> args =
                    new java.util.ArrayList<>(List.of("serve", "--model", missingModel.toString(), "--port", "0"));
            args.addAll(c.args());
            long t = System.nanoTime();
            assertEquals(2, run(args.toArray(String[]::new)), c.what() + ": " + stderr);
            assertTrue(System.nanoTime() - t < TimeUnit.SECONDS.toNanos(5), c.what() + ": before anything loads");
            String first = stderr.toString().lines().findFirst().orElse("");
            assertTrue(first.startsWith(c.says()), c.what() + ": " + first);
            assertFalse(stderr.toString().contains("keystore-password"), "no secret printed");
        }
        stderr = new java.io.StringWriter();
        Path token = Files.writeString(tmp.resolve("token"), "a-token-of-at-least-16-characters\n");
        assertEquals(
                1,
                run(
                        "serve",
                        "--model",
                        missingModel.toString(),
                        "--host",
                        "0.0.0.0",
                        "--token-file",
                        token.toString(),
                        "--port",
                        "0"),
                "the missing model fails after the warning");
        assertTrue(
                stderr.toString().startsWith("warning: the token travels in clear text on 0.0.0.0"), stderr.toString());
    }

    /** SIGHUP reloads every model file that changed, in a real process serving two models. */
    @Test
    void sighupReloadsTheModelFiles() throws Exception {
        assumeTrue(File.separatorChar == '/', "needs POSIX signals");
        Path a = tmp.resolve("a.zip");
        Path b = tmp.resolve("b.zip");
        Fixtures.trainTinyModel(Fixtures.synthetic(200, 4), a);
        Fixtures.trainTinyModel(Fixtures.synthetic(200, 5), b);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        cp,
                        Main.class.getName(),
                        "serve",
                        "--model",
                        a.toString(),
                        "--model",
                        b.toString(),
                        "--port",
                        "0")
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            // Where this test itself runs with SIGHUP ignored (under nohup), serve inherits that and says so, rightly:
            // sigtermIsACleanStop checks that note; reloading on SIGHUP cannot be tested here.
            assumeFalse(
                    String.valueOf(line).startsWith("note: SIGHUP is ignored here"),
                    "SIGHUP is ignored where the tests run (nohup?): " + line);
            Matcher m = Pattern.compile("on (http://\\S+/)").matcher(String.valueOf(line));
            assertTrue(m.find(), "startup line: " + line);
            assertTrue(line.startsWith("Serving a, b ("), line);
            URI base = URI.create(m.group(1));
            HttpClient client = HttpClient.newHttpClient();
            String before = client.send(
                            HttpRequest.newBuilder(base.resolve("v1/models/b")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Files.copy(a, b, StandardCopyOption.REPLACE_EXISTING);
            assertEquals(
                    0,
                    new ProcessBuilder("kill", "-HUP", Long.toString(p.pid()))
                            .start()
                            .waitFor());
            String said = out.readLine();
            for (int i = 0; i < 20 && said != null && !said.startsWith("SIGHUP:"); i++) {
                said = out.readLine(); // the reload's own log lines may come first
            }
            assertEquals("SIGHUP: reloaded a, b of a, b (GET /v1/models says why not)", said);
            String after = client.send(
                            HttpRequest.newBuilder(base.resolve("v1/models/b")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(!after.equals(before) && after.contains(sha(a)), after);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String sha(Path file) throws IOException {
        return dev.kerasmnist.data.Mnist.sha256(Files.readAllBytes(file));
    }

    /**
     * SIGTERM is a clean stop: /readyz answers 503 at once while the port still serves (the grace), a request whose
     * body is still arriving gets its answer, the process exits 0. Started under nohup, it says SIGHUP does not
     * reload there.
     */
    @Test
    void sigtermIsACleanStop() throws Exception {
        assumeTrue(File.separatorChar == '/' && Files.isExecutable(Path.of("/usr/bin/nohup")), "needs POSIX nohup");
        Path model = tmp.resolve("tiny.zip");
        Fixtures.trainTinyModel(Fixtures.synthetic(200, 4), model);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(
                        "/usr/bin/nohup",
                        java,
                        "-cp",
                        cp,
                        Main.class.getName(),
                        "serve",
                        "--model",
                        model.toString(),
                        "--port",
                        "0",
                        "--stop-grace",
                        "1.5",
                        "--drain",
                        "10")
                .redirectErrorStream(true);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            String note = line;
            while (line != null && !line.startsWith("Serving")) {
                line = out.readLine();
            }
            assertEquals(
                    "note: SIGHUP is ignored here (started under nohup?), so it does not reload; reload with "
                            + "POST /v1/models/NAME/reload",
                    note);
            Matcher m = Pattern.compile("on (http://\\S+/)").matcher(String.valueOf(line));
            assertTrue(m.find(), "startup line: " + line);
            assertTrue(line.endsWith("Ctrl-C stops."), "no SIGHUP promised: " + line);
            URI base = URI.create(m.group(1));
            HttpClient client = HttpClient.newHttpClient();
            byte[] body = ("{\"pixels\": [" + "0,".repeat(783) + "0]}").getBytes(StandardCharsets.US_ASCII);
            long sent = System.nanoTime();
            // A slow client: its body arrives over two seconds, so it is still arriving when SIGTERM comes.
            CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(
                    HttpRequest.newBuilder(base.resolve("v1/predict"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SlowStream(body, 20, 100)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500);
            assertFalse(inFlight.isDone(), "still sending its body");
            p.destroy(); // SIGTERM
            long signalled = System.nanoTime();
            int ready = 200;
            for (int i = 0; i < 20 && ready == 200; i++) {
                ready = client.send(
                                HttpRequest.newBuilder(base.resolve("readyz")).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            }
            assertEquals(503, ready, "not ready as soon as it stops");
            assertEquals(
                    200,
                    client.send(
                                    HttpRequest.newBuilder(base.resolve("healthz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode(),
                    "still serving during the grace");
            assertTrue(System.nanoTime() - signalled < TimeUnit.MILLISECONDS.toNanos(1500), "within the grace");
            HttpResponse<String> answer = inFlight.get(20, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"digit\""), answer.body());
            assertTrue(System.nanoTime() - sent >= TimeUnit.MILLISECONDS.toNanos(1900), "answered after its body");
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "exited after SIGTERM");
            assertEquals(0, p.exitValue(), "a clean stop exits 0");
            IOException refused = assertThrows(
                    IOException.class,
                    () -> client.send(
                            HttpRequest.newBuilder(base.resolve("healthz")).build(),
                            HttpResponse.BodyHandlers.ofString()));
            assertTrue(
                    refused instanceof ConnectException || refused.getCause() instanceof ConnectException,
                    refused.toString());
        } finally {
            p.destroyForcibly();
        }
    }

    /** Gives {@code bytes} in {@code parts} pieces, sleeping {@code millis} before each. */
    static final class SlowStream extends java.io.InputStream {
        private final byte[] bytes;
        private final int part;
        private final long millis;
        private int pos;

        SlowStream(byte[] bytes, int parts, long millis) {
            this.bytes = bytes;
            this.part = (bytes.length + parts - 1) / parts;
            this.millis = millis;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("read in pieces");
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos == bytes.length) {
                return -1;
            }
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            int n = Math.min(Math.min(len, part), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
