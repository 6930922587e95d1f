package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.model.ModelStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sweep}'s options: one-line usage errors before anything starts, and a run on the sequential engine. */
class SweepCommandTest extends CliHarness {
    @TempDir
    Path tmp;

    @Test
    void badOptionsAreOneLineUsageErrors() {
        assertEquals(2, run("sweep", "--grid", "lr=0.1"));
        assertEquals(
                "invalid option: unknown setting 'lr'; a sweep varies learning-rate, batch-size, epochs, "
                        + "dropout, augment, rmsprop-epsilon",
                stderr.toString().lines().findFirst().orElseThrow());
        stderr.getBuffer().setLength(0);
        assertEquals(2, run("sweep", "--engine", "sequential", "--master", "local[2]"));
        assertTrue(
                stderr.toString().startsWith("invalid option: --master is Spark's: drop it, or --engine spark"),
                stderr.toString());
        stderr.getBuffer().setLength(0);
        assertEquals(2, run("sweep", "--grid", "learning-rate=0.001..0.01"));
        assertTrue(
                stderr.toString().startsWith("invalid option: a range (learning-rate=low..high) is sampled"),
                stderr.toString());
        stderr.getBuffer().setLength(0);
        assertEquals(2, run("sweep", "--grid", "epochs=2", "--validation-split", "1.5"));
        assertTrue(
                stderr.toString().startsWith("invalid option: validation split must be in (0, 1), got 1.5"),
                stderr.toString());
    }

    @Test
    void aSweepKilledMidwayRunAgainKeepsItsFinishedTrialsAndRunsTheRest() throws Exception {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 1000, 50);
        Path dir = tmp.resolve("killed");
        String[] sweep = onData(
                data,
                "sweep",
                "--engine",
                "sequential",
                "--grid",
                "learning-rate=0.001,0.002,0.003,0.004 epochs=2",
                "--limit",
                "1000",
                "--dir",
                dir.toString());
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>(List.of(javaBin, "-cp", cp, Main.class.getName()));
        command.addAll(List.of(sweep));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("[1/4] ")) {
                // the sweep's first line, then the first trial's
            }
            assertTrue(line != null, "the sweep ended before its first trial");
            p.destroyForcibly(); // kill -9: no shutdown hook, perhaps in the middle of writing the next trial
            p.waitFor();
        } finally {
            p.destroyForcibly();
        }
        long kept;
        try (var results = Files.list(dir.resolve("trials"))) {
            kept = results.filter(f -> f.getFileName().toString().endsWith(".result.json"))
                    .count();
        }
        assertTrue(kept >= 1 && kept < 4, kept + " trials finished before the kill");

        assertEquals(0, run(sweep), out() + stderr);
        String out = out();
        assertTrue(out.contains("= 4 trials (" + kept + " done earlier, kept in " + dir.resolve("trials") + ")"), out);
        assertTrue(out.contains((4 - kept) + " trial" + (4 - kept == 1 ? "" : "s") + " in "), out);
        assertEquals(5, Files.readAllLines(dir.resolve("results.csv")).size(), "the table has all 4 settings");
    }

    @Test
    void aRandomSearchRunsPrintsItsTableAndSavesTheBestModel() throws IOException {
        Path data = Fixtures.writeSyntheticMnist(tmp.resolve("data"), 300, 50);
        Path dir = tmp.resolve("sweep");
        assertEquals(
                0,
                run(onData(
                        data,
                        "sweep",
                        "--engine",
                        "SEQUENTIAL",
                        "--grid",
                        "learning-rate=0.0001..0.01 epochs=1",
                        "--samples",
                        "2",
                        "--limit",
                        "200",
                        "--dir",
                        dir.toString())),
                out() + stderr);
        String out = out();
        assertTrue(out.contains("Sweep 'tutorial' of tutorial: 2 settings x 1 seed = 2 trials, on this JVM"), out);
        assertTrue(out.contains("rank  learning-rate  epochs  seeds  val_accuracy"), out);
        assertTrue(out.contains("Best: learning-rate="), out);
        assertEquals(3, Files.readAllLines(dir.resolve("results.csv")).size());
        assertEquals(
                List.of(
                        "keras-mnist",
                        "sweep",
                        "--data",
                        data.toString(),
                        "--skip-checksum",
                        "--engine",
                        "SEQUENTIAL",
                        "--grid",
                        "learning-rate=0.0001..0.01 epochs=1",
                        "--samples",
                        "2",
                        "--limit",
                        "200",
                        "--dir",
                        dir.toString()),
                ModelStore.readProvenance(new dev.kerasmnist.model.ModelFiles(dir.resolve("best.zip")))
                        .build()
                        .commandLine());
    }
}
