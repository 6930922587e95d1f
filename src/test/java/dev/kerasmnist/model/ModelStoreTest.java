package dev.kerasmnist.model;

import static dev.kerasmnist.kernels.KernelMatrixTest.KERNELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class ModelStoreTest {
    @TempDir
    Path dir;

    private static final ModelSpec SMALL = new ModelSpec(
            784,
            List.of(new DenseSpec(16, "relu"), new DenseSpec(10, "softmax")),
            RmsPropSpec.KERAS_DEFAULTS,
            KerasLoss.CATEGORICAL_CROSSENTROPY,
            5);

    private static MultiLayerNetwork trainedSmallNet() {
        MultiLayerNetwork net = KerasToDl4j.build(SMALL);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 32, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 32, 10);
        for (int i = 0; i < 32; i++) {
            y.putScalar(i, i % 10, 1);
        }
        for (int i = 0; i < 3; i++) {
            net.fit(new DataSet(x, y));
        }
        return net;
    }

    private static Provenance provenance(double accuracy) {
        return Fixtures.provenance(SMALL, accuracy);
    }

    @Tag(KERNELS)
    @Test
    void roundTripGivesIdenticalOutputsAndUpdaterState() throws IOException {
        MultiLayerNetwork net = trainedSmallNet();
        Path model = dir.resolve("models/m.zip");
        ModelStore.save(net, provenance(0.5), "epoch,loss,accuracy,seconds\n1,2.0,0.1,0.5\n", new ModelFiles(model));

        MultiLayerNetwork loaded = ModelStore.load(model);
        INDArray probe = Nd4j.rand(DataType.FLOAT, 5, 784);
        assertArrayEquals(
                net.output(probe).toFloatMatrix(), loaded.output(probe).toFloatMatrix());
        assertArrayEquals(
                net.getUpdater().getStateViewArray().toFloatVector(),
                loaded.getUpdater().getStateViewArray().toFloatVector());
        assertEquals(
                provenance(0.5).test(),
                ModelStore.readProvenance(new ModelFiles(model)).test());
        assertEquals(
                SMALL, ModelStore.readProvenance(new ModelFiles(model)).model().orElseThrow());
        assertEquals(
                "epoch,loss,accuracy,seconds\n1,2.0,0.1,0.5\n", Files.readString(dir.resolve("models/m.history.csv")));
    }

    @Test
    void plainDl4jLoadsTheModelWithoutOurClasses() throws IOException {
        MultiLayerNetwork net = trainedSmallNet();
        Path model = dir.resolve("m.zip");
        ModelStore.save(net, provenance(0.5), "", new ModelFiles(model));
        MultiLayerNetwork plain = MultiLayerNetwork.load(model.toFile(), true);
        assertArrayEquals(net.params().toFloatVector(), plain.params().toFloatVector());
    }

    @Test
    void aWriteThatFailsHalfwayLeavesThePreviousFileIntact() throws IOException {
        Path model = dir.resolve("m.zip");
        ModelStore.save(trainedSmallNet(), provenance(0.5), "", new ModelFiles(model));
        byte[] before = Files.readAllBytes(model);

        IOException e = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(model, out -> {
                    out.write(new byte[1000]);
                    throw new IOException("No space left on device");
                }));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(model));
        ModelStore.load(model); // still loadable
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(
                    List.of(), files.filter(p -> p.toString().endsWith(".tmp")).toList(), "no temp file left");
        }
    }

    @Test
    void theSidecarRecordsTheSha256OfItsZipAndStillReadsAsProvenance() throws IOException {
        ModelFiles files = new ModelFiles(dir.resolve("s.zip"));
        Provenance saved = provenance(0.75); // once: its build time is now, to the second
        ModelStore.save(trainedSmallNet(), saved, "h\n", files);
        String recorded = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(files.provenance().toFile())
                .get(ModelStore.MODEL_SHA256)
                .asText();
        assertEquals(dev.kerasmnist.data.Mnist.sha256(Files.readAllBytes(files.zip())), recorded);
        assertEquals(64, recorded.length());
        assertEquals(saved, ModelStore.readProvenance(files));
    }

    @Test
    void savingOverAModelKeepsItAsPreviousWithItsSidecars() throws IOException {
        ModelFiles files = new ModelFiles(dir.resolve("m.zip"));
        assertEquals(
                Optional.empty(),
                ModelStore.saveKeepingPrevious(trainedSmallNet(), provenance(0.75), "first\n", files));
        assertFalse(Files.exists(files.previous().zip()), "nothing to keep the first time");
        byte[] first = Files.readAllBytes(files.zip());
        byte[] firstSidecar = Files.readAllBytes(files.provenance());

        Optional<ModelStore.Replaced> replaced =
                ModelStore.saveKeepingPrevious(KerasToDl4j.build(SMALL), provenance(0.5), "second\n", files);

        assertEquals(
                Optional.of(new ModelStore.Replaced(
                        files,
                        new ModelFiles(dir.resolve("m.previous.zip")),
                        Optional.of(new Provenance.Test(0.1, 0.75)))),
                replaced);
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("m.previous.zip")));
        assertArrayEquals(firstSidecar, Files.readAllBytes(dir.resolve("m.previous.json")));
        assertEquals("first\n", Files.readString(dir.resolve("m.previous.history.csv")));
        assertEquals("second\n", Files.readString(files.history()));
        assertEquals(0.5, ModelStore.readProvenance(files).test().orElseThrow().accuracy());

        // A third save keeps the second model: one previous generation, not a pile.
        byte[] second = Files.readAllBytes(files.zip());
        ModelStore.saveKeepingPrevious(trainedSmallNet(), provenance(0.9), "third\n", files);
        assertArrayEquals(second, Files.readAllBytes(files.previous().zip()));
        assertEquals("second\n", Files.readString(files.previous().history()));
    }

    @Test
    void savingWhereNoFolderCanBeMadeFailsClearly() throws IOException {
        Path notAFolder = Files.writeString(dir.resolve("file"), "x");
        IOException e = assertThrows(
                IOException.class,
                () -> ModelStore.save(
                        trainedSmallNet(), provenance(0.5), "", new ModelFiles(notAFolder.resolve("m.zip"))));
        assertTrue(e.getMessage().contains("cannot create folder"), e.getMessage());
    }

    @Test
    void aFormat2SidecarIsStillReadWithItsFitSettings() throws IOException {
        ModelFiles files = new ModelFiles(dir.resolve("old.zip"));
        // As format 2 wrote it: the fit settings listed in "training" itself.
        Files.writeString(
                files.provenance(),
                """
                {"format": 2, "origin": {"kind": "recipe", "name": "tuned-mlp", "details": {}},
                 "training": {"epochs": 12, "batchSize": 64, "seed": 2, "trainingExamples": 54000, "seconds": 81.5,
                              "validationSplit": 0.1, "validationExamples": 6000, "earlyStopping": 3,
                              "augmentation": {"maxShift": 2.0, "maxRotationDegrees": 10.0, "maxZoom": 0.1}},
                 "dataSha256": {}, "test": {"loss": 0.03, "accuracy": 0.988}}
                """);
        Provenance p = ModelStore.readProvenance(files);
        assertEquals(Provenance.FORMAT, p.format());
        assertEquals(
                new Provenance.Training(
                        FitSpec.keras(2)
                                .epochs(12)
                                .batchSize(64)
                                .limit(60_000)
                                .validationSplit(0.1)
                                .earlyStopping(EarlyStoppingSpec.patience(3))
                                .augmentation(dev.kerasmnist.data.Augmentation.MNIST_DEFAULT),
                        12,
                        54_000,
                        6_000,
                        81.5),
                p.training().orElseThrow());
        assertEquals(0.988, p.test().orElseThrow().accuracy());
    }

    @Test
    void missingModelSaysHowToMakeOne() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelStore.load(dir.resolve("none.zip")));
        assertTrue(e.getMessage().startsWith("no model at "), e.getMessage());
        assertEquals(java.util.List.of(new dev.kerasmnist.failures.Remedy.TrainOrChooseModel()), e.remedies());
    }

    @Test
    void corruptModelIsRefusedWithOneClearMessage() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.zip"), "not a zip at all".getBytes());
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelStore.load(garbage));
        assertTrue(e.getMessage().contains("is not a loadable DL4J model"), e.getMessage());
    }
}
