package dev.kerasmnist.evaluation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.data.SyntheticDigits;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.training.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class EvaluatorTest {
    @Test
    void lossAccuracyAndPredictionsComeFromOneForwardPass() {
        MnistSplit train = SyntheticDigits.split(300, 1);
        MnistSplit test = SyntheticDigits.split(1500, 2); // two batches of 1000, the second partial
        MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(1));
        Trainer.fit(net, train, FitSpec.keras(1).epochs(1).batchSize(64));

        TestResult result = Evaluator.evaluate(net, test);

        double loss = 0;
        int correct = 0;
        int[] predicted = new int[test.size()];
        for (int i = 0; i < test.size(); i++) {
            float[] px = new float[MnistSplit.PIXELS];
            for (int p = 0; p < px.length; p++) {
                px[p] = test.images().pixel(i, p) / 255f;
            }
            INDArray out = net.output(Nd4j.create(px, new long[] {1, MnistSplit.PIXELS}, DataType.FLOAT));
            predicted[i] = out.argMax(1).getInt(0);
            correct += predicted[i] == test.label(i) ? 1 : 0;
            loss += -Math.log(Math.max(out.getDouble(0, test.label(i)), 1e-7));
        }
        assertEquals(1500, result.examples());
        assertEquals((double) correct / test.size(), result.accuracy(), 1e-12);
        assertEquals(loss / test.size(), result.loss(), 1e-5);
        assertArrayEquals(predicted, result.predictions());
        // DL4J's own score (a second forward pass, which evaluate no longer runs) agrees.
        assertEquals(net.score(MnistIterators.inOrder(test, 1500).next(), false), result.loss(), 1e-4);
    }
}
