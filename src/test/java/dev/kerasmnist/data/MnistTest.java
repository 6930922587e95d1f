package dev.kerasmnist.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
    @TempDir
    Path dir;

    @Test
    void loadsWellFormedFilesWhenChecksumsAreSkipped() throws IOException {
        Fixtures.writeSyntheticMnist(dir, 50, 20);
        Mnist mnist = Mnist.load(dir, Mnist.Checksums.SKIP);
        assertEquals(50, mnist.train().size());
        assertEquals(20, mnist.test().size());
        assertEquals(
                Mnist.sha256(Files.readAllBytes(dir.resolve("t10k-labels-idx1-ubyte"))),
                mnist.sha256().get(MnistFile.TEST_LABELS));
    }

    @Test
    void refusesFilesThatAreNotTheRealMnist() throws IOException {
        Fixtures.writeSyntheticMnist(dir, 50, 20);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.load(dir));
        assertTrue(
                e.getMessage().contains("does not match MNIST's " + MnistFile.TRAIN_IMAGES.sha256()), e.getMessage());
    }

    @Test
    void rejectsImageAndLabelCountMismatch() throws IOException {
        Fixtures.writeSyntheticMnist(dir, 50, 20);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), Fixtures.idxLabels(0x801, 49, new byte[49]));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.load(dir, Mnist.Checksums.SKIP));
        assertTrue(e.getMessage().contains("50 images but 49 labels"), e.getMessage());
    }

    @Test
    void errorsNameTheFilesAsFoundDottedOrGzipped() throws IOException {
        Fixtures.writeSyntheticMnist(dir, 50, 20);
        // The original site's names, gzipped, with one label missing.
        Path labels = dir.resolve("train-labels.idx1-ubyte.gz");
        try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(labels))) {
            out.write(Fixtures.idxLabels(0x801, 49, new byte[49]));
        }
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        Files.move(dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-images.idx3-ubyte"));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.load(dir, Mnist.Checksums.SKIP));
        assertTrue(
                e.getMessage()
                        .startsWith(dir.resolve("train-images.idx3-ubyte") + " + train-labels.idx1-ubyte.gz: "
                                + "50 images but 49 labels"),
                e.getMessage());
    }

    @Test
    void rejectsLabelOutOfRange() throws IOException {
        Fixtures.writeSyntheticMnist(dir, 50, 20);
        byte[] labels = new byte[20];
        labels[13] = 10;
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), Fixtures.idxLabels(0x801, 20, labels));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.load(dir, Mnist.Checksums.SKIP));
        assertTrue(e.getMessage().contains("label 10 at index 13 is out of range 0..9"), e.getMessage());
    }

    @Test
    void rejectsImagesThatAreNot28By28() throws IOException {
        Fixtures.writeSyntheticMnist(dir, 50, 20);
        Files.write(
                dir.resolve("t10k-images-idx3-ubyte"), Fixtures.idxImages(0x803, 20, 27, 28, new byte[20 * 27 * 28]));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Mnist.load(dir, Mnist.Checksums.SKIP));
        assertTrue(e.getMessage().contains("images are 27x28, expected 28x28"), e.getMessage());
    }

    @Test
    void reportsAMissingFile() throws IOException {
        Fixtures.writeSyntheticMnist(dir, 50, 20);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte"));
        MnistNotFoundException e =
                assertThrows(MnistNotFoundException.class, () -> Mnist.load(dir, Mnist.Checksums.SKIP));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte is missing"), e.getMessage());
    }

    @Test
    void firstNKeepsTheFirstExamples() {
        MnistSplit split = Fixtures.synthetic(30, 7);
        MnistSplit first = split.first(10);
        assertEquals(10, first.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(split.label(i), first.label(i));
            assertEquals(split.images().pixel(i, 300), first.images().pixel(i, 300));
        }
        assertSame(split, split.first(Integer.MAX_VALUE));
    }
}
