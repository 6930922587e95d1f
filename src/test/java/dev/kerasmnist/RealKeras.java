package dev.kerasmnist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real Keras 3.15.1 (on JAX) for the tests that check against it, from the virtual environment {@code .ci/run}
 * installs into {@code target/keras-venv}. Where it is missing, those tests are skipped, saying so on stderr and in
 * the skip reason with the command that installs it.
 */
public final class RealKeras {
    public static final String VERSION = "3.15.1";
    public static final Path VENV = Path.of("target", "keras-venv");
    public static final String INSTALL = "python3 -m venv " + VENV + " && " + VENV + "/bin/pip install keras=="
            + VERSION + " 'jax[cpu]==0.10.2' h5py onnx onnxruntime (what .ci/run does)";
    /** The scripts the tests run in it. */
    public static final Path SCRIPTS = Path.of("src", "test", "keras");

    private static Boolean installed;

    private RealKeras() {}

    /** The venv's python, or the calling test is skipped (loudly) when Keras {@value VERSION} is not in it. */
    public static Path python() {
        Path python = VENV.resolve("bin").resolve("python");
        if (installed == null) {
            installed = Files.isExecutable(python) && VERSION.equals(kerasVersion(python));
        }
        if (!installed) {
            String why =
                    "SKIPPED: real Keras " + VERSION + " is not installed in " + VENV + "; install it with: " + INSTALL;
            System.err.println(why);
            Assumptions.assumeTrue(false, why);
        }
        return python;
    }

    /** Runs {@code script} (in src/test/keras) with real Keras; its output when it succeeds, else the test fails. */
    public static String run(String script, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(python().toString(), SCRIPTS.resolve(script).toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("KERAS_BACKEND", "jax");
        pb.environment().put("JAX_PLATFORMS", "cpu");
        pb.environment().put("TF_CPP_MIN_LOG_LEVEL", "3");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(); // Keras's output is small; read it all, then wait
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new AssertionError(script + " failed in real Keras: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The keras distribution's version in {@code python}'s environment (without importing Keras), or null. */
    private static String kerasVersion(Path python) {
        try {
            Process p = new ProcessBuilder(
                            python.toString(), "-c", "import importlib.metadata as m; print(m.version('keras'))")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }
}
