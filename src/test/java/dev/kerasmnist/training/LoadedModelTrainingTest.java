package dev.kerasmnist.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.RmsPropSpec;
import java.nio.file.Path;
import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast path is installed where a model is loaded, with the optimiser its provenance records. */
class LoadedModelTrainingTest {
    private static final MnistSplit TRAIN = Fixtures.synthetic(300, 1);

    @Test
    void anInsideSqrtModelLoadedThroughTheLibraryTrainsOnAsAnUninterruptedRun(@TempDir Path dir) throws Exception {
        ModelSpec spec = ModelSpec.tutorial(4)
                .withOptimizer(RmsPropSpec.KERAS_DEFAULTS.withEpsilonPlacement(EpsilonPlacement.INSIDE_SQRT));
        FitSpec fit = FitSpec.keras(4).epochs(2).batchSize(64);
        MultiLayerNetwork straight = KerasToDl4j.build(spec);
        Trainer.fit(straight, TRAIN, fit);

        MultiLayerNetwork first = KerasToDl4j.build(spec);
        History one = Trainer.fit(first, TRAIN, fit.epochs(1));
        ModelFiles files = new ModelFiles(dir.resolve("inside.zip"));
        ModelStore.save(first, Fixtures.provenance(spec, 0.5), one.toCsv(), files);

        MultiLayerNetwork loaded = ModelStore.load(files.zip());
        Trainer.fit(loaded, TRAIN, fit.initialEpoch(1));
        assertArrayEquals(
                straight.params().toFloatVector(),
                loaded.params().toFloatVector(),
                "epoch 2 after a load equals epoch 2 of the uninterrupted run");

        // The placement matters for these steps: Keras 2's, which loading installed before, gives other weights.
        MultiLayerNetwork outside = ModelStore.restore(files.zip(), EpsilonPlacement.OUTSIDE_SQRT);
        Trainer.fit(outside, TRAIN, fit.initialEpoch(1));
        assertFalse(Arrays.equals(
                straight.params().toFloatVector(), outside.params().toFloatVector()));
    }

    @Test
    void installingTwiceKeepsOneFastPath() throws Exception {
        MultiLayerNetwork net = KerasToDl4j.build(ModelSpec.tutorial(4));
        var updater = net.getUpdater();
        dev.kerasmnist.model.fast.FastPath.install(net, EpsilonPlacement.OUTSIDE_SQRT);
        assertEquals(updater, net.getUpdater(), "the installed updater is kept");
    }
}
