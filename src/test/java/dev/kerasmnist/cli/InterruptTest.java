package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.training.History;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Ctrl-C (SIGINT) to a training JVM, then {@code train --resume}. */
class InterruptTest {
    @TempDir
    Path tmp;

    /** Whether process {@code pid} ignores SIGINT (bit 2 of the SigIgn mask in /proc/PID/status). */
    private static boolean ignoresSigint(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseLong(line.substring(7).trim(), 16) & 0x2) != 0;
            }
        }
        return false;
    }

    @Test
    void ctrlCLeavesACheckpointThatResumeFinishes() throws Exception {
        assumeTrue(File.separatorChar == '/' && new File("/bin/kill").canExecute(), "needs POSIX signals");
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 6000, 100); // epochs long enough to interrupt
        Path model = tmp.resolve("m.zip");
        Path checkpoint = tmp.resolve("m.checkpoints").resolve("epoch-1.zip");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-cp",
                        cp,
                        Main.class.getName(),
                        "train",
                        "--data",
                        data.toString(),
                        "--skip-checksum",
                        "--epochs",
                        "8",
                        "--model",
                        model.toString())
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Files.notExists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(checkpoint), "first checkpoint written; stderr: " + read(tmp.resolve("err.txt")));
            // A JVM started with SIGINT ignored (as every child of a background job is) keeps ignoring it, so then
            // the test sends what stops such a job, SIGTERM; both run the same shutdown hook.
            String signal = ignoresSigint(p.pid()) ? "-TERM" : "-INT";
            new ProcessBuilder("/bin/kill", signal, Long.toString(p.pid()))
                    .start()
                    .waitFor();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped after Ctrl-C");
        } finally {
            p.destroyForcibly();
        }
        assertNotEquals(0, p.exitValue());
        assertTrue(Files.notExists(model), "an interrupted run saves no final model");
        String err = read(tmp.resolve("err.txt"));
        assertTrue(err.contains("interrupted: " + model + " was not written; epochs up to "), err);
        assertTrue(
                err.contains(" are checkpointed in " + tmp.resolve("m.checkpoints")
                        + "; continue with `keras-mnist train --resume --model " + model + "`"),
                err);

        int code = Main.execute(
                "train", "--resume", "--data", data.toString(), "--skip-checksum", "--model", model.toString());
        assertEquals(0, code);
        History history = History.fromCsv(Files.readString(new ModelFiles(model).history()));
        assertEquals(8, history.epochs().size());
        assertEquals(
                List.of(1, 2, 3, 4, 5, 6, 7, 8),
                history.epochs().stream().map(e -> e.epoch()).toList());
        assertTrue(ModelStore.readProvenance(new ModelFiles(model))
                        .test()
                        .orElseThrow()
                        .accuracy()
                > 0.9);
        assertTrue(Files.notExists(tmp.resolve("m.checkpoints")), "checkpoints removed once the model is saved");
    }

    private static String read(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
