package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistLocator;
import dev.kerasmnist.model.ModelStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.feedforward.elementwise.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code train --from} on imported models keeps what Keras keeps: the input scale and Rescaling are constants, and a
 * model ending in {@code Dense(linear) -> Activation(softmax)} trains like one ending in {@code Dense(softmax)}.
 */
class KerasFineTuneTest extends CliHarness {
    private static final Path FIXTURES = Path.of("src", "test", "resources", "keras");

    @TempDir
    Path tmp;

    /**
     * keras3-adam-rescaling.keras (saved by real Keras): the ×255 input scale, Rescaling(1/255), Conv2D, pooling,
     * Dense(10) and a separate Activation(softmax), compiled with Adam. keras3-rescaling.keras: Rescaling, then a
     * Softmax layer, compiled with RMSprop.
     */
    @Test
    void theConstantsStayBitForBitAndASeparateSoftmaxTrains() throws IOException {
        Path data = data();
        for (String name : new String[] {"keras3-adam-rescaling.keras", "keras3-rescaling.keras"}) {
            Path imported = tmp.resolve(name + ".zip");
            Path tuned = tmp.resolve(name + "-tuned.zip");
            assertEquals(
                    0,
                    run("import-keras", FIXTURES.resolve(name).toString(), "--model", imported.toString()),
                    stderr.toString());
            assertEquals(
                    0,
                    run(onData(
                            data,
                            "train",
                            "--from",
                            imported.toString(),
                            "--model",
                            tuned.toString(),
                            "--epochs",
                            "1",
                            "--batch-size",
                            "32")),
                    stderr.toString());
            MultiLayerNetwork before = ModelStore.load(imported);
            MultiLayerNetwork after = ModelStore.load(tuned);
            int constants = 0;
            for (int i = 0; i < before.getLayers().length; i++) {
                if (unwrapped(before.getLayer(i)) instanceof ElementWiseMultiplicationLayer) {
                    constants++;
                    for (String p : new String[] {"W", "b"}) {
                        INDArray was = before.getLayer(i).getParam(p);
                        INDArray is = after.getLayer(i).getParam(p);
                        assertEquals(was, is, name + ": layer " + i + " " + p + " is a constant");
                    }
                }
            }
            assertEquals(2, constants, name + ": the ×255 input scale and Rescaling(1/255)");
            assertTrue(
                    before.params().sub(after.params()).amaxNumber().doubleValue() > 1e-4,
                    name + ": the other weights trained");
            assertTrue(out().contains("Saved " + tuned), out());
        }
    }

    private static Layer unwrapped(Layer layer) {
        return layer instanceof BaseWrapperLayer w ? w.getUnderlying() : layer;
    }

    /**
     * 2,000 real MNIST training images and 500 test images. Skipped without MNIST ({@code .ci/run} fetches it): the
     * real-Keras fixtures fine-tuned on synthetic strokes diverge at once, which would test the strokes.
     */
    private Path data() throws IOException {
        Optional<Path> dir = MnistLocator.fromEnvironment(Optional.empty()).find();
        if (dir.isEmpty()) {
            System.err.println("SKIPPED: KerasFineTuneTest needs the real MNIST (run the fetch-data command)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.isPresent(), "real MNIST not found");
        Mnist mnist = Mnist.load(dir.get());
        return Fixtures.writeMnist(
                tmp.resolve("data"), mnist.train().first(2000), mnist.test().first(500));
    }
}
