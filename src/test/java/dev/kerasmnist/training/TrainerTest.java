package dev.kerasmnist.training;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.RmsPropSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class TrainerTest {
    private static final MnistSplit TRAIN = Fixtures.synthetic(512, 1);
    private static final MnistSplit TEST = Fixtures.synthetic(200, 2);

    @Test
    void learnsALearnableTaskAndReportsKerasStyleHistory() {
        MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(1));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        History history = Trainer.fit(
                net, TRAIN, FitSpec.keras(1).epochs(2).batchSize(128), new ProgbarLogger(new PrintStream(log), false));

        assertEquals(2, history.epochs().size());
        assertTrue(history.epochs().get(1).loss() < history.epochs().get(0).loss(), history.toString());
        assertTrue(history.last().accuracy() > 0.95, history.toString());
        TestResult test = Evaluator.evaluate(net, TEST);
        assertEquals(200, test.examples());
        assertTrue(test.accuracy() > 0.95, "test accuracy " + test.accuracy());
        assertEquals(test.accuracy(), test.evaluation().accuracy(), 0);

        String out = log.toString();
        assertTrue(out.contains("Epoch 1/2\n4/4 [==============================] - "), out);
        assertTrue(out.matches("(?s).*ms/step - loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4}\n.*"), out);
        assertEquals(0, net.getListeners().size(), "no listener left on the model");
    }

    @Tag(KERNELS)
    @Test
    void sameSeedGivesBitIdenticalParametersDifferentSeedDoesNot() {
        FitSpec fit = FitSpec.keras(4).epochs(1).batchSize(64).limit(256);
        MultiLayerNetwork a = KerasToDl4j.build(ModelSpec.tutorial(4));
        MultiLayerNetwork b = KerasToDl4j.build(ModelSpec.tutorial(4));
        MultiLayerNetwork c = KerasToDl4j.build(ModelSpec.tutorial(5));
        Trainer.fit(a, TRAIN, fit);
        Trainer.fit(b, TRAIN, fit);
        Trainer.fit(c, TRAIN, FitSpec.keras(5).epochs(1).batchSize(64).limit(256));
        // Bit-identical: compare the raw floats (INDArray.equals allows a small tolerance).
        assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector());
        assertFalse(Arrays.equals(a.params().toFloatVector(), c.params().toFloatVector()));
    }

    @Test
    void limitTrainsOnTheFirstNExamplesOnly() {
        MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(1));
        Trainer.fit(net, TRAIN, FitSpec.keras(1).epochs(1).batchSize(32).limit(100));
        assertEquals(4, net.getIterationCount(), "100 examples in batches of 32 make 4 steps");
    }

    @Test
    void terminateOnNaNStopsADivergingRunAtOnce() {
        ModelSpec huge = ModelSpec.tutorial(1).withOptimizer(RmsPropSpec.KERAS_DEFAULTS.withLearningRate(1e30));
        MultiLayerNetwork net = KerasToDl4j.build(huge);
        TrainingDivergedException e = assertThrows(
                TrainingDivergedException.class,
                () -> Trainer.fit(net, TRAIN, FitSpec.keras(1).epochs(3).batchSize(32), new TerminateOnNaN()));
        assertTrue(e.getMessage().startsWith("training diverged: loss is "), e.getMessage());
        assertEquals(1, e.epoch());
        assertTrue(net.getIterationCount() < 16, "stopped in the first epoch, at step " + net.getIterationCount());
    }

    @Test
    void fitSpecRejectsBadValues() {
        assertThrows(
                IllegalArgumentException.class, () -> FitSpec.keras(1).epochs(0).batchSize(128));
        assertThrows(
                IllegalArgumentException.class, () -> FitSpec.keras(1).epochs(5).batchSize(-1));
        assertThrows(
                IllegalArgumentException.class,
                () -> FitSpec.keras(1).epochs(5).batchSize(128).limit(0));
    }

    @Test
    void progressLineMatchesKerasProgbar() {
        assertEquals(
                "235/469 [==============>...............] - ETA: 3s - loss: 0.2577 - accuracy: 0.9245",
                ProgbarLogger.line(
                        235,
                        469,
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(3),
                        ProgbarLogger.metrics(0.25771, 0.92449)));
        assertEquals(
                "469/469 [==============================] - 4s 9ms/step",
                ProgbarLogger.line(469, 469, Duration.ofMillis(4400), null, ""));
        assertEquals(
                "  0/469 [..............................] - ETA: 0s",
                ProgbarLogger.line(0, 469, Duration.ZERO, Duration.ZERO, ""));
    }

    @Test
    void historyRoundTripsThroughCsv() {
        History h =
                new History(java.util.List.of(new EpochStats(1, 0.25, 0.92, 3.5), new EpochStats(2, 0.1, 0.97, 3.2)));
        assertEquals(h, History.fromCsv(h.toCsv()));
        assertEquals(6.7, h.totalSeconds(), 1e-9);
    }
}
