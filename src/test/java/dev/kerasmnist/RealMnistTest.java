package dev.kerasmnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistLocator;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.training.History;
import dev.kerasmnist.training.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/**
 * The one test on the real MNIST: runs where the files are found ({@code .ci/run} fetches them first) and is
 * skipped elsewhere. One epoch (469 steps, ~4 s): Keras's first epoch of the tutorial ends near 96% test accuracy.
 * (One epoch on only 10,000 images, 79 steps, lands at 82-85% with RMSprop's large early steps, so it would test
 * luck rather than the mapping.)
 */
class RealMnistTest {
    @Test
    void oneEpochReaches95Percent() throws IOException {
        Optional<Path> dir = MnistLocator.fromEnvironment(Optional.empty()).find();
        assumeTrue(dir.isPresent(), "real MNIST not found; run the fetch-data command to include this test");

        Mnist mnist = Mnist.load(dir.get()); // verified against the SHA-256 sums
        assertEquals(60_000, mnist.train().size());
        assertEquals(10_000, mnist.test().size());

        MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(FitSpec.DEFAULT_SEED));
        History history = Trainer.fit(
                net,
                mnist.train(),
                FitSpec.keras(FitSpec.DEFAULT_SEED).epochs(1).batchSize(128));
        TestResult test = Evaluator.evaluate(net, mnist.test());

        assertEquals(10_000, test.examples());
        assertTrue(test.accuracy() >= 0.95, "test accuracy " + test.accuracy());
        assertTrue(
                history.last().loss() < 0.35, "training loss " + history.last().loss());

        // One image at a time takes the fast path's matrix-vector product, which sums in another order than the
        // batch's (stock) matrix product: on every test image the same digit, and probabilities within 1e-6 (a
        // logit is a sum of 784 then 512 float products, each order rounding to about 1e-7 of it).
        org.nd4j.linalg.api.ndarray.INDArray x = dev.kerasmnist.data.MnistIterators.inOrder(mnist.test(), 10_000)
                .next()
                .getFeatures();
        org.nd4j.linalg.api.ndarray.INDArray batch = net.output(x);
        double worst = 0;
        for (int i = 0; i < mnist.test().size(); i++) {
            org.nd4j.linalg.api.ndarray.INDArray one =
                    net.output(x.getRow(i, true).dup());
            assertEquals(batch.getRow(i).argMax().getInt(0), one.argMax(1).getInt(0), "test image " + i);
            worst = Math.max(worst, one.sub(batch.getRow(i, true)).amaxNumber().doubleValue());
        }
        assertTrue(worst < 1e-6, "largest probability difference " + worst);
    }
}
