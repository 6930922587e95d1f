package dev.kerasmnist.training;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.failures.Failure;
import dev.kerasmnist.failures.FailureException;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.model.RmsPropSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train}'s workflow from Java: the result record, checkpoints, resume and divergence. */
class TrainingRunTest {
    private static final FitSpec FIT = FitSpec.tutorial(3).epochs(3);
    private static Mnist mnist;

    @TempDir
    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void data() throws Exception {
        mnist = Mnist.load(Fixtures.writeSyntheticMnist(data, 600, 100), Mnist.Checksums.SKIP);
    }

    /** Stands in for Ctrl-C after epoch 2's checkpoint (the caller's callbacks run after the run's own). */
    static final class Interrupted extends RuntimeException {}

    @Test
    void aFreshRunReturnsItsHistoryTestScoreAndTheProvenanceItSaved() throws Exception {
        Path zip = tmp.resolve("m.zip");
        TrainingRun.Result r = TrainingRun.fresh(Recipe.TUTORIAL, 3)
                .fit(FIT.epochs(2))
                .saveTo(zip)
                .commandLine(List.of("test"))
                .run(mnist);
        assertEquals(
                List.of(1, 2),
                r.history().epochs().stream().map(EpochStats::epoch).toList());
        assertTrue(
                r.test().accuracy() > 0.9,
                "synthetic classes are easy: " + r.test().accuracy());
        assertEquals(100, r.test().predictions().length);
        assertEquals(new ModelFiles(zip), r.model());
        assertEquals(r.provenance(), ModelStore.readProvenance(r.model()));
        assertEquals(FIT.epochs(2), r.provenance().training().orElseThrow().fit());
        assertEquals(2, r.provenance().training().orElseThrow().epochsTrained());
        assertEquals(600, r.provenance().training().orElseThrow().trainingExamples());
        assertEquals(r.test().accuracy(), r.provenance().test().orElseThrow().accuracy());
        assertEquals("tutorial", r.provenance().origin().name());
        assertTrue(Files.notExists(r.model().checkpoints()), "checkpoints are cleared once the model is saved");
    }

    @Tag(KERNELS)
    @Test
    void anInterruptedRunResumedEqualsAnUninterruptedOneBitForBit() throws Exception {
        Path straight = tmp.resolve("straight.zip");
        TrainingRun.Result full =
                TrainingRun.fresh(Recipe.TUTORIAL, 3).fit(FIT).saveTo(straight).run(mnist);

        Path split = tmp.resolve("split.zip");
        Callback interrupt = new Callback() {
            @Override
            public void onEpochEnd(EpochStats epoch, TrainingContext context) {
                if (epoch.epoch() == 2) {
                    throw new Interrupted();
                }
            }
        };
        assertThrows(Interrupted.class, () -> TrainingRun.fresh(Recipe.TUTORIAL, 3)
                .fit(FIT)
                .saveTo(split)
                .callbacks(interrupt)
                .run(mnist));
        assertTrue(Files.notExists(split), "an unfinished run writes no model");
        assertEquals(List.of(1, 2), Checkpoints.forModel(new ModelFiles(split)).epochs());
        FailureException fresh = assertThrows(FailureException.class, () -> TrainingRun.fresh(Recipe.TUTORIAL, 3)
                .fit(FIT)
                .saveTo(split)
                .run(mnist));
        assertTrue(fresh.getMessage().contains("an interrupted run left checkpoints"), fresh.getMessage());
        assertEquals(
                List.of(
                        Remedy.Resume.of(split, Optional.of("tutorial")),
                        new Remedy.StartAfresh(new ModelFiles(split).checkpoints())),
                fresh.remedies());

        TrainingRun.Result resumed = TrainingRun.resume(split).run(mnist);
        assertEquals(full.history().epochs().size(), resumed.history().epochs().size());
        assertEquals(full.history().last().loss(), resumed.history().last().loss(), 0);
        assertArrayEquals(
                ModelStore.load(straight).params().toFloatVector(),
                ModelStore.load(split).params().toFloatVector());
        assertEquals(full.test().loss(), resumed.test().loss(), 0);
    }

    @Test
    void aDivergedRunSaysWhatIsSavedAndHowToGoOn() {
        ModelSpec huge = ModelSpec.tutorial(3).withOptimizer(RmsPropSpec.KERAS_DEFAULTS.withLearningRate(1e30));
        Path zip = tmp.resolve("nan.zip");
        FailureException e = assertThrows(FailureException.class, () -> TrainingRun.fresh(Recipe.TUTORIAL, 3)
                .model(huge)
                .fit(FIT)
                .saveTo(zip)
                .run(mnist));
        assertTrue(e.getMessage().startsWith("training diverged: loss is "), e.getMessage());
        assertTrue(e.getMessage().contains(zip + " was not written"), e.getMessage());
        assertEquals(Failure.Kind.SETTING, e.kind());
        assertEquals(List.of(), e.remedies(), "no epoch finished: nothing to resume, run it again");
        assertTrue(Files.notExists(zip));
    }

    @Test
    void aResumedRunRefusesFewerEpochsThanDoneAndAnotherRecipe() throws Exception {
        Path zip = tmp.resolve("done.zip");
        TrainingRun.fresh(Recipe.TUTORIAL, 3).fit(FIT.epochs(1)).saveTo(zip).run(mnist);
        TrainingRun.SettingException fewer = assertThrows(
                TrainingRun.SettingException.class,
                () -> TrainingRun.resume(zip).epochs(1).run(mnist));
        assertEquals(List.of(new Remedy.MoreEpochs(1)), fewer.remedies());
        TrainingRun.SettingException other =
                assertThrows(TrainingRun.SettingException.class, () -> TrainingRun.resume(zip)
                        .expectRecipe(Recipe.CONVNET)
                        .epochs(2)
                        .run(mnist));
        assertEquals(List.of(new Remedy.RecipeOfTheRun("tutorial")), other.remedies());
        assertEquals(
                2,
                TrainingRun.resume(zip).epochs(2).run(mnist).history().epochs().size());
    }

    @Test
    void eachKindOfRunUsesEverySettingItTakes() throws Exception {
        Path zip = tmp.resolve("m.zip");
        TrainingRun.fresh(Recipe.TUTORIAL, 3).fit(FIT.epochs(1)).saveTo(zip).run(mnist);

        TrainingRun.Result resumed =
                TrainingRun.resume(zip).epochs(3).learningRate(0.0005).run(mnist);
        assertEquals(
                List.of(1, 2, 3),
                resumed.history().epochs().stream().map(EpochStats::epoch).toList());
        assertEquals(3, resumed.provenance().training().orElseThrow().fit().epochs());
        assertEquals(
                0.0005, resumed.provenance().model().orElseThrow().optimizer().learningRate());

        FineTuningRun tuning = TrainingRun.fineTune(zip);
        assertEquals(new ModelFiles(tmp.resolve("m-tuned.zip")), tuning.savesTo());
        Path tuned = tmp.resolve("tuned.zip");
        TrainingRun.Result fineTuned = tuning.fit(FitSpec.keras(3).epochs(2))
                .learningRate(0.002)
                .saveTo(tuned)
                .run(mnist);
        assertEquals(new ModelFiles(tuned), fineTuned.model());
        assertEquals(
                List.of(1, 2),
                fineTuned.history().epochs().stream().map(EpochStats::epoch).toList());
        assertEquals(
                FitSpec.keras(3).epochs(2),
                fineTuned.provenance().training().orElseThrow().fit());
        assertEquals(
                0.002, fineTuned.provenance().model().orElseThrow().optimizer().learningRate());
        assertEquals(Provenance.Kind.FINE_TUNED, fineTuned.provenance().origin().kind());
        assertEquals(
                zip.toAbsolutePath().toString(),
                fineTuned.provenance().origin().details().get("from"));
    }

    /**
     * The settings a kind of run used to drop silently ({@code fresh(...).epochs(10)}, {@code .learningRate(x)},
     * {@code fineTune(...).model(spec)}) are now compile errors: the kind has no such method. A test cannot hold a
     * line that does not compile, so this one asserts the methods' absence by reflection.
     */
    @Test
    void aSettingThatDoesNotApplyToAKindOfRunIsNotOneOfItsMethods() throws Exception {
        assertEquals(
                List.of(FreshRun.class, ResumedRun.class, FineTuningRun.class),
                List.of(TrainingRun.class.getPermittedSubclasses()));
        // a fresh run's epochs are its fit's, its learning rate its model's optimizer's
        assertThrows(NoSuchMethodException.class, () -> FreshRun.class.getMethod("epochs", int.class));
        assertThrows(NoSuchMethodException.class, () -> FreshRun.class.getMethod("learningRate", double.class));
        // a fine-tuning run's model is the saved one, its epochs its fit's
        assertThrows(NoSuchMethodException.class, () -> FineTuningRun.class.getMethod("model", ModelSpec.class));
        assertThrows(NoSuchMethodException.class, () -> FineTuningRun.class.getMethod("epochs", int.class));
        // a resumed run's model, fit and file are the run's own
        assertThrows(NoSuchMethodException.class, () -> ResumedRun.class.getMethod("model", ModelSpec.class));
        assertThrows(NoSuchMethodException.class, () -> ResumedRun.class.getMethod("fit", FitSpec.class));
        assertThrows(NoSuchMethodException.class, () -> ResumedRun.class.getMethod("saveTo", Path.class));
        // and each has the ones that apply (the methods above exist where they are used)
        assertEquals(
                FreshRun.class,
                FreshRun.class.getMethod("model", ModelSpec.class).getReturnType());
        assertEquals(
                ResumedRun.class,
                ResumedRun.class.getMethod("epochs", int.class).getReturnType());
        assertEquals(
                FineTuningRun.class,
                FineTuningRun.class.getMethod("learningRate", double.class).getReturnType());
    }

    @Test
    void aBadLearningRateOrEpochsIsRefusedBeforeAnythingIsLoaded() {
        Path none = tmp.resolve("none.zip");
        assertThrows(
                IllegalArgumentException.class, () -> TrainingRun.resume(none).learningRate(-1));
        assertThrows(
                IllegalArgumentException.class, () -> TrainingRun.fineTune(none).learningRate(0));
        IllegalArgumentException zero = assertThrows(
                IllegalArgumentException.class, () -> TrainingRun.resume(none).epochs(0));
        assertEquals("epochs must be at least 1, not 0", zero.getMessage());
    }
}
