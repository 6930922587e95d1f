package dev.kerasmnist.sweep.spark;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.sweep.SearchSpace;
import dev.kerasmnist.sweep.Sweep;
import dev.kerasmnist.sweep.SweepTable;
import dev.kerasmnist.sweep.Trial;
import dev.kerasmnist.sweep.TrialEngine;
import dev.kerasmnist.training.Recipe;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep} on embedded Spark ({@code local[2]}): a tiny grid on a few hundred synthetic digits, each trial a
 * Spark task. Compiled and run only in the {@code -Pspark} build, which README's test command uses.
 */
class SparkSweepTest {
    @TempDir
    static Path data;

    private static TrialEngine spark;
    private static List<Trial> trials;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        Fixtures.writeSyntheticMnist(data, 400, 100);
        trials = SearchSpace.parse("learning-rate=0.001,0.00001 batch-size=32")
                .grid(Recipe.TUTORIAL, List.of(1L, 2L), 0.25, Optional.of(300));
        spark = TrialEngine.spark("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.close();
    }

    @Tag(KERNELS)
    @Test
    void trialsRunAsSparkTasksAndGiveTheTableTheCsvAndTheBestModel() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Sweep sweep = Sweep.of("spark-test", trials, data)
                .checksums(Mnist.Checksums.SKIP)
                .dir(tmp.resolve("spark"))
                .output(new PrintStream(printed, true, StandardCharsets.UTF_8));
        Sweep.Result r = sweep.run(spark);
        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(
                out.startsWith("Sweep 'spark-test' of tutorial: 2 settings x 2 seeds = 4 trials, on Apache Spark "
                        + "4.0.1, master local[2], up to 2 trials at a time\n"),
                out);
        assertEquals(4, r.ran());
        List<SweepTable.Row> rows = r.table().rows();
        assertEquals("0.001", rows.get(0).value(dev.kerasmnist.sweep.Setting.LEARNING_RATE));
        assertTrue(rows.get(0).valAccuracyMean() > 0.9, r.table().render());
        assertTrue(out.contains(r.table().render()), out);
        List<String> csv = Files.readAllLines(r.csv());
        assertEquals(3, csv.size());
        assertTrue(csv.get(1).startsWith("1,0.001,32,1 2,"), csv.get(1));
        Provenance best = ModelStore.readProvenance(r.best());
        assertEquals("spark-test", best.origin().details().get("sweep"));
        assertEquals(rows.get(0).best().trial().key(), best.origin().details().get("trial"));
        assertEquals(
                10,
                ModelStore.load(r.best().zip())
                        .output(org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 784))
                        .length());

        // The same trials one after another in this JVM, with the one ND4J thread a Spark trial gets: the same
        // numbers, so a Spark task trains exactly what `train` does.
        SparkEngine.limitThreads(1);
        Sweep.Result here;
        try (TrialEngine sequential = TrialEngine.sequential()) {
            here = Sweep.of("spark-test", trials, data)
                    .checksums(Mnist.Checksums.SKIP)
                    .dir(tmp.resolve("here"))
                    .run(sequential);
        }
        assertEquals(
                r.table().csv().replaceAll(",[0-9.]+\n", "\n"),
                here.table().csv().replaceAll(",[0-9.]+\n", "\n"),
                "the same table, seconds aside");
    }

    @Test
    void aTrialThatFailsOnAnExecutorIsOneLineAndTheSweepCanGoOn() throws Exception {
        // valid settings that fail only where the trial runs: 0.1% of 300 images leaves none to validate on
        List<Trial> failing = List.of(new Trial(Recipe.TUTORIAL, List.of(), 1, 0.999, Optional.of(300)));
        Sweep sweep = Sweep.of("failing", failing, data)
                .checksums(Mnist.Checksums.SKIP)
                .dir(tmp.resolve("out"));
        TrialEngine.TrialFailedException e =
                assertThrows(TrialEngine.TrialFailedException.class, () -> sweep.run(spark));
        assertEquals(
                "a trial failed: validation split 0.999 of 300 examples leaves 0 to train on and 300 to " + "validate",
                e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("out/results.csv")));
        // Spark is still usable for the next sweep
        assertEquals(
                4,
                Sweep.of("after", trials, data)
                        .checksums(Mnist.Checksums.SKIP)
                        .dir(tmp.resolve("after"))
                        .run(spark)
                        .ran());
    }

    @Test
    void oneEngineServesOneMnistFolder() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            spark.share(data);
            spark.share(tmp);
        });
        assertEquals(
                "this Spark engine serves the MNIST files of "
                        + data.toAbsolutePath().normalize() + " already; close it and start another for "
                        + tmp.toAbsolutePath().normalize(),
                e.getMessage());
    }
}
