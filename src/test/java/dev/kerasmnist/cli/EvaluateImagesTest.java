package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.Machine;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --images}: the user's own pictures, scored and printed. */
class EvaluateImagesTest extends CliHarness {
    static final MnistSplit DIGITS = Fixtures.synthetic(400, 1);
    static Path model;

    @TempDir
    static Path models;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        model = models.resolve("tiny.zip");
        Fixtures.trainTinyModel(DIGITS, model);
    }

    /** One picture of each digit 0-4 in its own folder, and a 2 filed under 4: one mistake in six. */
    private void layOut() throws IOException {
        for (int d = 0; d < 5; d++) {
            Fixtures.writePng(DIGITS, Fixtures.indexOf(DIGITS, d, 0), dir.resolve(d + "/a.png"));
        }
        Fixtures.writePng(DIGITS, Fixtures.indexOf(DIGITS, 2, 1), dir.resolve("4/b.png"));
    }

    @Test
    void printsCountsAccuracyRecallAndConfusions() throws IOException {
        layOut();
        assertEquals(
                0,
                run("evaluate", "--images", dir.toString(), "--model", model.toString(), "--min-accuracy", "0.8"),
                out() + stderr);
        Machine machine = ModelStore.readProvenance(new ModelFiles(model))
                .build()
                .machine()
                .orElseThrow();
        assertEquals(
                "Trained on " + machine.summary() + "\n"
                        + "6 images in " + dir + " (labels from class folders)\n"
                        + "accuracy: 0.8333 (5 of 6)\n"
                        + "\n"
                        + "digit  recall  images\n"
                        + "    0  1.0000       1\n"
                        + "    1  1.0000       1\n"
                        + "    2  1.0000       1\n"
                        + "    3  1.0000       1\n"
                        + "    4  0.5000       2\n"
                        + "\n"
                        + "Top confusions (true -> predicted: images):\n"
                        + "  4 -> 2: 1\n",
                out());

        assertEquals(
                1, run("evaluate", "--images", dir.toString(), "--model", model.toString(), "--min-accuracy", "0.9"));
        assertTrue(out().endsWith("FAILED: accuracy 0.8333 on the images is below --min-accuracy 0.9000\n"), out());
    }

    @Test
    void labelsFromACsvAndItsErrors() throws IOException {
        layOut();
        Path csv = Files.writeString(dir.resolve("mine.csv"), "file,label\n0/a.png,0\n4/b.png,2\n");
        assertEquals(
                0,
                run("evaluate", "--images", dir.toString(), "--labels", csv.toString(), "--model", model.toString()),
                out() + stderr);
        assertTrue(
                out().contains("2 images in " + dir + " (labels from " + csv + ")\naccuracy: 1.0000 (2 of 2)\n"),
                out());
        assertTrue(out().endsWith("\nNo confusions: every image was predicted right.\n"), out());

        Files.writeString(dir.resolve("1/a.png"), "not a PNG");
        assertEquals(1, run("evaluate", "--images", dir.toString(), "--model", model.toString()));
        assertEquals(
                "error: " + dir.resolve("1/a.png") + " is not an image this program can read (PNG, JPEG, BMP or "
                        + "GIF)\n",
                stderr.toString());

        assertEquals(2, run("evaluate", "--labels", csv.toString()));
        assertTrue(stderr.toString().contains("--labels needs --images DIR"), stderr.toString());
        assertEquals(2, run("evaluate", "--images", dir.toString(), "--robustness"));
    }
}
