package dev.kerasmnist.training;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static dev.kerasmnist.model.EarlyStoppingSpec.patience;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.failures.SettingException;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Keras's validation_split and EarlyStopping(restore_best_weights=True). */
class ValidationTest {
    private static final MnistSplit TRAIN = Fixtures.synthetic(500, 7);

    @Tag(KERNELS)
    @Test
    void theSplitHoldsOutTheLastExamplesBeforeShufflingAndNeverTrainsOnThem() {
        // Keras: split_at = floor(500 * 0.9) = 450; examples 450..499 validate.
        FitSpec withSplit = FitSpec.keras(3).epochs(2).batchSize(64).validationSplit(0.1);
        assertEquals(450, withSplit.splitAt(500));
        MultiLayerNetwork a = KerasToDl4j.build(ModelSpec.tutorial(3));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        History history = Trainer.fit(a, TRAIN, withSplit, new ProgbarLogger(new PrintStream(log), false));

        // The same run on the first 450 examples alone: bit-identical weights, so the last 50 were never seen.
        MultiLayerNetwork b = KerasToDl4j.build(ModelSpec.tutorial(3));
        Trainer.fit(b, TRAIN, FitSpec.keras(3).epochs(2).batchSize(64).limit(450));
        assertArrayEquals(b.params().toFloatVector(), a.params().toFloatVector());

        // val_loss and val_accuracy are the model's score on exactly those 50 after the epoch.
        Validation.Score last = Validation.score(a, TRAIN.range(450, 500));
        assertEquals(last.loss(), history.last().valLoss(), 1e-12);
        assertEquals(last.accuracy(), history.last().valAccuracy(), 1e-12);
        assertTrue(history.validated());
        assertTrue(
                log.toString()
                        .matches("(?s).*accuracy: \\d\\.\\d{4} - val_loss: \\d\\.\\d{4} - "
                                + "val_accuracy: \\d\\.\\d{4}\n.*"),
                log.toString());

        History read = History.fromCsv(history.toCsv());
        assertTrue(history.toCsv().startsWith(History.CSV_HEADER_VALIDATED + "\n"));
        assertEquals(history.last().valAccuracy(), read.last().valAccuracy(), 1e-6);
    }

    @Test
    void badSettingsAreRefusedWithTheFix() {
        SettingException e = assertThrows(
                SettingException.class,
                () -> FitSpec.keras(1).epochs(5).batchSize(128).earlyStopping(patience(3)));
        assertEquals(java.util.List.of(new Remedy.ValidationSplit(0.1)), e.remedies());
        assertThrows(
                IllegalArgumentException.class,
                () -> FitSpec.keras(1).epochs(5).batchSize(128).validationSplit(1.0));
        assertThrows(IllegalArgumentException.class, () -> FitSpec.keras(1)
                .epochs(5)
                .batchSize(128)
                .validationSplit(0.1)
                .earlyStopping(patience(-1)));
        assertThrows(IllegalArgumentException.class, () -> FitSpec.keras(1)
                .epochs(5)
                .batchSize(128)
                .validationSplit(0.1)
                .splitAt(1));
    }

    /** Feeds val_loss values to EarlyStopping on a real network whose weights mark the epoch they came from. */
    private static int[] run(EarlyStopping early, MultiLayerNetwork net, double... valLosses) {
        for (int epoch = 1; epoch <= valLosses.length; epoch++) {
            net.setParams(Nd4j.valueArrayOf(net.params().shape(), (float) epoch));
            TrainingContext context = new TrainingContext(net, FitSpec.keras(1), 1);
            early.onEpochEnd(new EpochStats(epoch, 0, 0, 0, valLosses[epoch - 1], 0), context);
            if (context.stopRequested()) {
                return new int[] {epoch, (int) net.params().getFloat(0)};
            }
        }
        return new int[] {0, (int) net.params().getFloat(0)};
    }

    @Test
    void earlyStoppingFollowsKerasStepForStep() {
        MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(1));
        // patience 2: epochs 3 and 4 do not improve on epoch 2; stop after epoch 4, epoch 2's weights back.
        assertArrayEquals(new int[] {4, 2}, run(new EarlyStopping(patience(2)), net, 1.0, 0.8, 0.9, 0.85, 0.7));
        // An equal loss is no improvement (min_delta 0, strictly less).
        assertArrayEquals(new int[] {3, 1}, run(new EarlyStopping(patience(2)), net, 0.5, 0.5, 0.5));
        // patience 0 stops at the first epoch without improvement, never after the first epoch.
        assertArrayEquals(new int[] {2, 1}, run(new EarlyStopping(patience(0)), net, 1.0, 1.1));
        // Running out of epochs keeps the last weights, as Keras does.
        assertArrayEquals(new int[] {0, 3}, run(new EarlyStopping(patience(5)), net, 1.0, 1.1, 1.2));
    }

    @Tag(KERNELS)
    @Test
    void aResumedEarlyStoppingDecidesAsTheUninterruptedOne() {
        MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(1));
        History firstThree = new History(List.of(
                new EpochStats(1, 0, 0, 0, 1.0, 0),
                new EpochStats(2, 0, 0, 0, 0.8, 0),
                new EpochStats(3, 0, 0, 0, 0.9, 0)));
        EarlyStopping resumed = EarlyStopping.resumed(
                patience(2), null, firstThree, Nd4j.valueArrayOf(net.params().shape(), 2f));
        assertEquals(2, resumed.bestEpoch());
        net.setParams(Nd4j.valueArrayOf(net.params().shape(), 4f));
        TrainingContext context = new TrainingContext(net, FitSpec.keras(1), 1);
        resumed.onEpochEnd(new EpochStats(4, 0, 0, 0, 0.85, 0), context);
        assertTrue(context.stopRequested(), "stops at epoch 4 as uninterrupted");
        assertEquals(2f, net.params().getFloat(0), "with the checkpointed best weights");
    }

    @Test
    void theBestWeightsAreCheckpointedForAResumedRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Checkpoints checkpoints = new Checkpoints(dir.resolve("m.checkpoints"));
        assertTrue(checkpoints.best().isEmpty());
        var params = KerasToDl4j.build(ModelSpec.tutorial(3)).params();
        checkpoints.saveBest(params);
        assertArrayEquals(
                params.toFloatVector(), checkpoints.best().orElseThrow().toFloatVector());
        checkpoints.clear();
        assertTrue(checkpoints.best().isEmpty(), "cleared with the checkpoints");
    }

    @Test
    void aTrainingRunStopsEarlyAndKeepsTheBestEpoch() {
        MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(2));
        // A learning rate far too high for the later epochs makes val_loss rise quickly on this small set.
        net.setLearningRate(0.05);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(log);
        History history = Trainer.fit(
                net,
                TRAIN,
                FitSpec.keras(2).epochs(12).batchSize(50).validationSplit(0.2).earlyStopping(patience(1)),
                new ProgbarLogger(printed, false),
                new EarlyStopping(patience(1), printed));
        int best = 0;
        for (EpochStats e : history.epochs()) {
            best = best == 0 || e.valLoss() < history.epochs().get(best - 1).valLoss() ? e.epoch() : best;
        }
        assertTrue(history.epochs().size() < 12, log.toString());
        assertTrue(
                log.toString()
                        .contains("Epoch " + history.epochs().size() + ": early stopping. Restored the "
                                + "weights of epoch " + best),
                log.toString());
        Validation.Score now = Validation.score(net, TRAIN.range(400, 500));
        assertEquals(history.epochs().get(best - 1).valLoss(), now.loss(), 1e-9, "the network is the best epoch's");
        assertFalse(history.epochs().size() == best);
    }
}
