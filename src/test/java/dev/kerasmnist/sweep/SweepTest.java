package dev.kerasmnist.sweep;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.training.Recipe;
import dev.kerasmnist.training.Trainer;
import dev.kerasmnist.training.Validation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep's workflow on the sequential engine: trials, table, CSV, plot, best model, and skipping what is done. */
class SweepTest {
    @TempDir
    static Path data;

    @TempDir
    Path tmp;

    private static List<Trial> trials;

    @BeforeAll
    static void digits() throws Exception {
        Fixtures.writeSyntheticMnist(data, 400, 100);
        trials = SearchSpace.parse("learning-rate=0.001,0.00001 epochs=2")
                .grid(Recipe.TUTORIAL, List.of(1L, 2L), 0.25, Optional.of(300));
    }

    @Test
    void aSweepTablesItsTrialsBestFirstAndSavesTheBestModelNamingTheSweep() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Sweep sweep = Sweep.of("lr", trials, data)
                .checksums(Mnist.Checksums.SKIP)
                .dir(tmp)
                .output(new PrintStream(printed, true, StandardCharsets.UTF_8));
        Sweep.Result r;
        try (TrialEngine engine = TrialEngine.sequential()) {
            r = sweep.run(engine);
        }
        assertEquals(4, r.ran());
        assertEquals(0, r.reused());
        List<SweepTable.Row> rows = r.table().rows();
        assertEquals(
                List.of("0.001", "0.00001"),
                rows.stream().map(row -> row.value(Setting.LEARNING_RATE)).toList(),
                "a 100x smaller learning rate learns less in 2 epochs");
        assertTrue(
                rows.get(0).valAccuracyMean() > rows.get(1).valAccuracyMean() + 0.1,
                r.table().render());
        assertEquals(2, rows.get(0).trials().size());

        String csv = Files.readString(r.csv());
        List<String> lines = csv.lines().toList();
        assertEquals(
                "rank,learning-rate,epochs,seeds,val_accuracy_mean,val_accuracy_std,val_loss_mean,val_loss_std,"
                        + "test_accuracy_mean,seconds_mean",
                lines.get(0));
        assertEquals(3, lines.size());
        assertTrue(lines.get(1).startsWith("1,0.001,2,1 2,"), lines.get(1));
        assertTrue(Files.size(r.plot()) > 1000, "a PNG");

        // The best model: the best setting's best seed, saved with a provenance that names the sweep and the trial.
        TrialResult best = rows.get(0).best();
        Provenance p = ModelStore.readProvenance(r.best());
        assertEquals("lr", p.origin().details().get("sweep"));
        assertEquals(best.trial().key(), p.origin().details().get("trial"));
        assertEquals(best.trial().fit(), p.training().orElseThrow().fit());
        MultiLayerNetwork net = ModelStore.load(r.best().zip());
        Mnist mnist = Mnist.load(data, Mnist.Checksums.SKIP);
        Validation.Score val = Validation.score(
                net, Trainer.validationData(mnist.train(), best.trial().fit()).orElseThrow());
        assertEquals(best.valAccuracy(), val.accuracy(), "the saved model is the one that scored");
        assertEquals(best.valLoss(), val.loss(), 1e-6);
        assertEquals(
                75,
                Trainer.validationData(mnist.train(), best.trial().fit())
                        .orElseThrow()
                        .size(),
                "a quarter of the 300 images");

        String out = printed.toString(StandardCharsets.UTF_8);
        assertTrue(
                out.startsWith("Sweep 'lr' of tutorial: 2 settings x 2 seeds = 4 trials, on this JVM, one trial "
                        + "after another\n[1/4] learning-rate=0.001 epochs=2 seed=1: val_accuracy "),
                out);
        assertTrue(out.contains(r.table().render()), out);
    }

    @Tag(KERNELS)
    @Test
    void runAgainItSkipsFinishedTrialsAndRunsOnlyTheMissingOnes() throws Exception {
        Sweep sweep =
                Sweep.of("lr", trials, data).checksums(Mnist.Checksums.SKIP).dir(tmp);
        Sweep.Result first;
        Sweep.Result again;
        Sweep.Result afterLoss;
        try (TrialEngine engine = TrialEngine.sequential()) {
            first = sweep.run(engine);
            again = sweep.run(engine);
            // a trial whose result never got written (interrupted before) runs again; the others are kept
            Files.delete(tmp.resolve("trials").resolve(trials.get(3).id() + ".result.json"));
            afterLoss = sweep.run(engine);
        }
        assertEquals(0, again.ran());
        assertEquals(4, again.reused());
        assertEquals(first.table(), again.table());
        assertEquals(1, afterLoss.ran());
        assertEquals(
                first.table().csv().replaceAll(",[0-9.]+\n", "\n"),
                afterLoss.table().csv().replaceAll(",[0-9.]+\n", "\n"),
                "the same seed trains the same numbers (seconds aside)");
    }

    @Test
    void aFailingTrialSaysWhichAndWhyInOneLine() {
        Path empty = tmp.resolve("no-mnist");
        Sweep sweep =
                Sweep.of("lr", trials, empty).checksums(Mnist.Checksums.SKIP).dir(tmp.resolve("out"));
        try (TrialEngine engine = TrialEngine.sequential()) {
            TrialEngine.TrialFailedException e =
                    assertThrows(TrialEngine.TrialFailedException.class, () -> sweep.run(engine));
            assertTrue(
                    e.getMessage()
                            .startsWith("trial recipe=tutorial validation-split=0.25 limit=300 "
                                    + "learning-rate=0.001 epochs=2 seed=1 failed: "),
                    e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }
}
