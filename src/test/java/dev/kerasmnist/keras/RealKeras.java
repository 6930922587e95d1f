package dev.kerasmnist.keras;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The seam to real Keras 3 for tests: a python that imports {@code keras}. Prefers {@code target/keras-venv} (what
 * CI installs), else {@code /tmp/kvenv}; empty where neither has Keras, and tests then skip loudly.
 */
final class RealKeras {
    static final List<Path> CANDIDATES = List.of(Path.of("target", "keras-venv", "bin", "python"),
            Path.of("/tmp", "kvenv", "bin", "python"));

    private RealKeras() {
    }

    /** The first candidate python whose {@code import keras} works. */
    static Optional<Path> python() {
        for (Path p : CANDIDATES) {
            if (Files.isExecutable(p) && importsKeras(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Why tests that need real Keras are skipped. */
    static String missing() {
        return "REAL KERAS NOT FOUND: no python with keras at " + CANDIDATES + "; the checks in real Keras 3 are"
                + " SKIPPED (install Keras 3 with a backend into target/keras-venv to run them)";
    }

    private static boolean importsKeras(Path python) {
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import keras").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
