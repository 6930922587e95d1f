package dev.kerasmnist.training;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {
    private static final MnistSplit TRAIN = Fixtures.synthetic(300, 1);
    private static final FitSpec FIT = FitSpec.keras(5).epochs(3).batchSize(64);
    private static final ModelSpec SPEC = ModelSpec.tutorial(5);

    @TempDir
    Path dir;

    private static BackupAndRestore backup(Checkpoints checkpoints, History done) {
        return new BackupAndRestore(
                checkpoints,
                soFar -> new Checkpoints.State(soFar.epochs().size(), SPEC, FIT, soFar.toCsv()),
                done,
                0,
                null);
    }

    /** Stands in for Ctrl-C right after an epoch's checkpoint. */
    static final class Interrupted extends RuntimeException {}

    @Tag(KERNELS)
    @Test
    void aRunInterruptedAfterEpochOneAndResumedEqualsAnUninterruptedRunBitForBit() throws IOException {
        MultiLayerNetwork straight = KerasToDl4j.build(SPEC);
        History full = Trainer.fit(straight, TRAIN, FIT);

        Checkpoints checkpoints = new Checkpoints(dir.resolve("ckpt"));
        MultiLayerNetwork first = KerasToDl4j.build(SPEC);
        Callback interruptAfterCheckpoint = new Callback() {
            @Override
            public void onEpochEnd(EpochStats epoch, TrainingContext context) {
                throw new Interrupted();
            }
        };
        assertThrows(
                Interrupted.class,
                () -> Trainer.fit(
                        first, TRAIN, FIT, backup(checkpoints, new History(List.of())), interruptAfterCheckpoint));

        Checkpoints.Checkpoint c = checkpoints.latest(System.err).orElseThrow();
        assertEquals(1, c.state().epochsDone());
        assertEquals(FIT, c.state().fit());
        History resumed = c.state()
                .history()
                .plus(Trainer.fit(
                        c.net(), TRAIN, c.state().fit().initialEpoch(c.state().epochsDone())));

        assertArrayEquals(straight.params().toFloatVector(), c.net().params().toFloatVector());
        assertEquals(3, resumed.epochs().size());
        assertEquals(full.epochs().get(2).loss(), resumed.epochs().get(2).loss(), 0);
    }

    @Test
    void keepsTheLastTwoCheckpointsAndFallsBackFromACorruptOne() throws IOException {
        Checkpoints checkpoints = new Checkpoints(dir.resolve("ckpt"));
        MultiLayerNetwork net = KerasToDl4j.build(SPEC);
        Trainer.fit(net, TRAIN, FIT, backup(checkpoints, new History(List.of())));
        assertEquals(List.of(2, 3), checkpoints.epochs());

        Files.write(dir.resolve("ckpt/epoch-3.zip"), new byte[] {'P', 'K', 3, 4, 0, 0}); // truncated zip
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        Checkpoints.Checkpoint c =
                checkpoints.latest(new PrintStream(warnings, true)).orElseThrow();
        assertEquals(2, c.state().epochsDone());
        assertTrue(warnings.toString().contains("epoch-3.zip is unreadable"), warnings.toString());

        checkpoints.clear();
        assertTrue(Files.notExists(dir.resolve("ckpt")));
        assertTrue(checkpoints.latest(System.err).isEmpty());
    }
}
