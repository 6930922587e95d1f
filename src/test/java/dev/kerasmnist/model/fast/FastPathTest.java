package dev.kerasmnist.model.fast;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.data.SyntheticDigits;
import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

@Tag(KERNELS)
class FastPathTest {
    /** 12 batches of 128 and a last one of 50, so that the division by the batch size is not a power of two. */
    private static List<DataSet> batches() {
        MnistSplit data = SyntheticDigits.split(12 * 128 + 50, 7);
        DataSetIterator it = MnistIterators.training(data, 128, 3);
        List<DataSet> list = new ArrayList<>();
        while (it.hasNext()) {
            list.add(it.next().copy()); // training batches share their arrays
        }
        return list;
    }

    private static void train(MultiLayerNetwork net, List<DataSet> batches, List<Double> scores) {
        for (int epoch = 0; epoch < 2; epoch++) {
            for (DataSet b : batches) {
                net.fit(b);
                scores.add(net.score());
            }
        }
    }

    @Test
    void trainingIsBitIdenticalToStockDl4j() {
        List<DataSet> batches = batches();
        MultiLayerNetwork stock = KerasToDl4j.buildStock(ModelSpec.tutorial(5));
        MultiLayerNetwork fast = KerasToDl4j.build(ModelSpec.tutorial(5));
        assertInstanceOf(FastDenseLayer.class, fast.getLayer(0));
        assertInstanceOf(FastOutputLayer.class, fast.getLayer(1));
        assertInstanceOf(FusedRmsPropUpdater.class, fast.getUpdater());
        assertTrue(((FusedRmsPropUpdater) fast.getUpdater()).fused());
        assertArrayEquals(stock.params().toFloatVector(), fast.params().toFloatVector());
        List<Double> stockScores = new ArrayList<>();
        List<Double> fastScores = new ArrayList<>();
        train(stock, batches, stockScores);
        train(fast, batches, fastScores);

        assertEquals(
                2 * batches.size(),
                ((FusedRmsPropUpdater) fast.getUpdater()).steps(),
                "every step took the fused path");
        float[] expected = stock.params().toFloatVector();
        assertNotEquals(
                0f,
                expected[0]
                        - KerasToDl4j.buildStock(ModelSpec.tutorial(5)).params().getFloat(0));
        assertArrayEquals(expected, fast.params().toFloatVector(), "parameters after 26 steps");
        assertArrayEquals(
                stock.getUpdater().getStateViewArray().toFloatVector(),
                fast.getUpdater().getStateViewArray().toFloatVector(),
                "RMSprop accumulators");
        assertEquals(stockScores, fastScores, "the loss of every batch");
    }

    @Test
    void modelTrainedFastLoadsInPlainDl4jWithIdenticalOutputs(@TempDir Path dir) throws Exception {
        List<DataSet> batches = batches();
        MultiLayerNetwork fast = KerasToDl4j.build(ModelSpec.tutorial(5));
        train(fast, batches, new ArrayList<>());
        File file = dir.resolve("m.zip").toFile();
        ModelSerializer.writeModel(fast, file, true);

        MultiLayerNetwork plain = MultiLayerNetwork.load(file, true);
        assertEquals(
                org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer.class,
                plain.getLayer(0).getClass());
        INDArray x = batches.get(0).getFeatures();
        assertArrayEquals(
                plain.output(x).ravel().toFloatVector(), fast.output(x).ravel().toFloatVector(), "a batch of 128");
        assertArrayEquals(
                plain.getUpdater().getStateViewArray().toFloatVector(),
                fast.getUpdater().getStateViewArray().toFloatVector());
        // One row takes the matrix-vector path, which sums in another order than stock's 1-row matrix product. A
        // logit is a sum of 784 (then 512) float products, so each order rounds to about sqrt(784) * 6e-8 of the sum
        // of their magnitudes (~1e-6 of the logits here); the softmax moves a probability by at most a quarter of a
        // logit's change. 1e-6 covers that and is far below what a wrong weight or layout changes.
        for (int row = 0; row < 5; row++) {
            INDArray one = x.getRow(row, true).dup();
            float[] want = plain.output(one).toFloatVector();
            float[] got = fast.output(one).toFloatVector();
            assertArrayEquals(want, got, 1e-6f, "row " + row);
            assertEquals(
                    Nd4j.argMax(plain.output(one), 1).getInt(0),
                    Nd4j.argMax(fast.output(one), 1).getInt(0));
        }
    }

    @Test
    void externalBackpropStillGetsTheInputGradient() {
        // A stack without an output layer, trained from external errors (as in GANs or RL): dL/dx is wanted.
        org.deeplearning4j.nn.conf.MultiLayerConfiguration conf =
                new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                        .seed(3)
                        .dataType(org.nd4j.linalg.api.buffer.DataType.FLOAT)
                        .list()
                        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder()
                                .nIn(784)
                                .nOut(32)
                                .activation(org.nd4j.linalg.activations.Activation.RELU)
                                .build())
                        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder()
                                .nIn(32)
                                .nOut(10)
                                .activation(org.nd4j.linalg.activations.Activation.RELU)
                                .build())
                        .build();
        MultiLayerNetwork stock = new MultiLayerNetwork(conf.clone());
        stock.init();
        MultiLayerNetwork fast = new MultiLayerNetwork(conf.clone());
        fast.init();
        FastPath.install(fast, EpsilonPlacement.OUTSIDE_SQRT);
        assertInstanceOf(FastDenseLayer.class, fast.getLayer(0));
        INDArray x = batches().get(0).getFeatures();
        INDArray eps = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 128, 10);
        INDArray[] dx = new INDArray[2];
        int i = 0;
        for (MultiLayerNetwork net : List.of(stock, fast)) {
            net.setInput(x);
            net.feedForward(true, false);
            dx[i++] =
                    net.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces()).getSecond();
        }
        assertArrayEquals(new long[] {128, 784}, dx[1].shape());
        assertArrayEquals(dx[0].ravel().toFloatVector(), dx[1].ravel().toFloatVector());
        assertArrayEquals(
                stock.getFlattenedGradients().toFloatVector(),
                fast.getFlattenedGradients().toFloatVector());
    }

    @Test
    void epsilonInsideTheSquareRootFollowsKeras3() {
        float[] g = {0.5f, -2f, 0f, 1e-3f};
        float[] s = {0f, 0.1f, 0.2f, 0f};
        float[] gStock = g.clone();
        float[] sStock = s.clone();
        FusedRmsPropUpdater.step(g, s, 0, 4, 0, 2f, 0.001f, 0.9f, 1e-7f, EpsilonPlacement.INSIDE_SQRT);
        FusedRmsPropUpdater.step(gStock, sStock, 0, 4, 0, 2f, 0.001f, 0.9f, 1e-7f, EpsilonPlacement.OUTSIDE_SQRT);
        for (int i = 0; i < 4; i++) {
            double gi = new float[] {0.5f, -2f, 0f, 1e-3f}[i] / 2.0;
            double a = new float[] {0f, 0.1f, 0.2f, 0f}[i] * 0.9 + 0.1 * gi * gi;
            assertEquals(a, s[i], 1e-7 * Math.max(1, a));
            assertEquals(
                    0.001 * gi / Math.sqrt(a + 1e-7), g[i], 1e-6 * Math.abs(0.001 * gi / Math.sqrt(a + 1e-7)) + 1e-12);
            assertEquals(0.001 * gi / (Math.sqrt(a) + 1e-7), gStock[i], 1e-6 * Math.abs(gStock[i]) + 1e-12);
        }
        // With g = 1e-3 / 2 the two placements differ visibly: sqrt(a + eps) vs sqrt(a) + eps.
        assertNotEquals(g[3], gStock[3]);
    }

    @Test
    void updaterStateReadAndWrittenBetweenStepsIsTheCurrentOne() {
        // The fused updater keeps the accumulators in a Java array between steps: whatever reads or writes the
        // native state (a checkpoint, a fine-tune's reset) must see and set the current values.
        List<DataSet> batches = batches();
        MultiLayerNetwork stock = KerasToDl4j.buildStock(ModelSpec.tutorial(5));
        MultiLayerNetwork fast = KerasToDl4j.build(ModelSpec.tutorial(5));
        for (MultiLayerNetwork net : List.of(stock, fast)) {
            for (DataSet b : batches.subList(0, 4)) {
                net.fit(b);
            }
        }
        assertArrayEquals(
                stock.getUpdater().getStateViewArray().toFloatVector(),
                fast.getUpdater().getStateViewArray().toFloatVector(),
                "read after fused steps");
        for (MultiLayerNetwork net : List.of(stock, fast)) {
            net.getUpdater().getStateViewArray().muli(0.25); // written through the returned array
            for (DataSet b : batches.subList(4, 8)) {
                net.fit(b);
            }
            INDArray copy =
                    ((org.deeplearning4j.nn.updater.BaseMultiLayerUpdater<?>) net.getUpdater()).getStateViewArrayCopy();
            net.getUpdater().setStateViewArray(net, copy.muli(2), false); // replaced, as a restore does
            for (DataSet b : batches.subList(8, batches.size())) {
                net.fit(b);
            }
        }
        assertEquals(batches.size(), ((FusedRmsPropUpdater) fast.getUpdater()).steps());
        assertArrayEquals(
                stock.getUpdater().getStateViewArray().toFloatVector(),
                fast.getUpdater().getStateViewArray().toFloatVector(),
                "RMSprop accumulators");
        assertArrayEquals(stock.params().toFloatVector(), fast.params().toFloatVector(), "parameters");
    }
}
