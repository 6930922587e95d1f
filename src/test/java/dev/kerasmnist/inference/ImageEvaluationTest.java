package dev.kerasmnist.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageEvaluationTest {
    static final MnistSplit DIGITS = Fixtures.synthetic(400, 1);
    static DigitClassifier classifier;

    @TempDir
    static Path models;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        Path model = models.resolve("tiny.zip");
        Fixtures.trainTinyModel(DIGITS, model);
        classifier = DigitClassifier.load(model);
    }

    /**
     * One picture of each digit in its own folder, and two more filed wrongly: a 3 under 8 and a 5 under 6. The
     * tiny model knows all twelve (asserted), so exactly those two count as mistakes.
     */
    static Map<String, Integer> layOut(Path dir) throws IOException {
        Map<String, Integer> files = new LinkedHashMap<>(); // file relative to dir -> the label it is filed under
        List<int[]> pictures = new ArrayList<>(); // {index, filed label}
        for (int d = 0; d < 10; d++) {
            pictures.add(new int[] {Fixtures.indexOf(DIGITS, d, 0), d});
        }
        pictures.add(new int[] {Fixtures.indexOf(DIGITS, 3, 1), 8});
        pictures.add(new int[] {Fixtures.indexOf(DIGITS, 5, 1), 6});
        for (int[] p : pictures) {
            String name = p[1] + "/synthetic-" + p[0] + ".png";
            Path file = Fixtures.writePng(DIGITS, p[0], dir.resolve(name));
            assertEquals(DIGITS.label(p[0]), classifier.predict(file).digit(), "the tiny model knows " + file);
            files.put(name, p[1]);
        }
        return files;
    }

    static void assertTheTwoMistakes(ImageEvaluation result) {
        assertEquals(12, result.count());
        assertEquals(10, result.correct());
        assertEquals(10 / 12.0, result.accuracy(), 1e-12);
        Map<Integer, Double> recall = result.recallByDigit();
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), List.copyOf(recall.keySet()));
        assertEquals(0.5, recall.get(6), 1e-12);
        assertEquals(0.5, recall.get(8), 1e-12);
        assertEquals(1.0, recall.get(3), 1e-12);
        assertEquals(2, result.support(8));
        assertEquals(
                List.of(new ImageEvaluation.Confusion(6, 5, 1), new ImageEvaluation.Confusion(8, 3, 1)),
                result.topConfusions(5));
        assertEquals(List.of(new ImageEvaluation.Confusion(6, 5, 1)), result.topConfusions(1));
    }

    @Test
    void classFoldersAreLabelsAsKerasReadsThem() throws IOException {
        layOut(dir);
        Files.writeString(dir.resolve("3/notes.txt"), "not a picture: ignored, as by image_dataset_from_directory");
        Fixtures.writePng(DIGITS, 0, dir.resolve(".ipynb_checkpoints/x.png")); // hidden folders are no classes
        Fixtures.writePng(DIGITS, 0, dir.resolve("loose.png")); // outside any class folder: ignored
        Fixtures.writePng(DIGITS, Fixtures.indexOf(DIGITS, 4, 1), dir.resolve("4/deeper/more.png"));

        LabelledImages images = LabelledImages.read(dir, Optional.empty());
        assertEquals("class folders", images.labelsFrom());
        assertEquals(13, images.images().size(), "a picture in a folder below a class folder counts");
        assertEquals(
                new LabelledImages.Image(dir.resolve("4/deeper/more.png"), 4),
                images.images().stream()
                        .filter(i -> i.file().toString().contains("deeper"))
                        .findFirst()
                        .orElseThrow());

        Files.delete(dir.resolve("4/deeper/more.png"));
        ImageEvaluation result = ImageEvaluation.run(classifier, LabelledImages.read(dir, Optional.empty()));
        assertTheTwoMistakes(result);
        assertEquals(2, result.mistakes().size());
        assertEquals(8, result.mistakes().get(1).label());
    }

    @Test
    void aCsvLabelsTheSamePicturesTheSameWay() throws IOException {
        Map<String, Integer> files = layOut(dir.resolve("pictures"));
        StringBuilder csv = new StringBuilder("file,label\n\n# filed by hand\n");
        files.forEach(
                (file, label) -> csv.append(file).append(',').append(label).append('\n'));
        Files.writeString(dir.resolve("pictures/labels.csv"), csv);

        LabelledImages fromCsv = LabelledImages.read(dir.resolve("pictures"), Optional.empty());
        assertEquals(dir.resolve("pictures/labels.csv").toString(), fromCsv.labelsFrom());
        assertTheTwoMistakes(ImageEvaluation.run(classifier, fromCsv));

        // the same rows in a file elsewhere, named explicitly: files stay relative to the pictures' folder
        Files.move(dir.resolve("pictures/labels.csv"), dir.resolve("mine.csv"));
        assertTheTwoMistakes(ImageEvaluation.run(
                classifier, LabelledImages.read(dir.resolve("pictures"), Optional.of(dir.resolve("mine.csv")))));
    }

    @Test
    void badFoldersRowsAndPicturesAreOneLineErrorsNamingTheFile() throws IOException {
        Fixtures.writePng(DIGITS, 0, dir.resolve("cats/a.png"));
        IOException e =
                assertThrows(LabelledImages.LabelsException.class, () -> LabelledImages.read(dir, Optional.empty()));
        assertTrue(e.getMessage().startsWith(dir.resolve("cats") + " is not a class folder"), e.getMessage());

        Path empty = Files.createDirectories(dir.resolve("empty/3"));
        e = assertThrows(
                LabelledImages.LabelsException.class, () -> LabelledImages.read(empty.getParent(), Optional.empty()));
        assertTrue(
                e.getMessage().startsWith("no images (bmp, gif, jpeg, jpg, png) in class folders 0 to 9"),
                e.getMessage());

        Path csv = Files.writeString(dir.resolve("labels.csv"), "file,label\ncats/a.png,7\ncats/a.png,seven\n");
        e = assertThrows(LabelledImages.LabelsException.class, () -> LabelledImages.read(dir, Optional.empty()));
        assertEquals(csv + " line 3: the label 'seven' is not a digit 0 to 9", e.getMessage());
        Files.writeString(csv, "cats/b.png,7\n");
        e = assertThrows(LabelledImages.LabelsException.class, () -> LabelledImages.read(dir, Optional.empty()));
        assertEquals(csv + " line 1: no file " + dir.resolve("cats/b.png"), e.getMessage());

        // a picture that does not decode stops the run, named: a score over fewer pictures would mislead
        Files.writeString(dir.resolve("cats/b.png"), "not a PNG");
        e = assertThrows(
                ImageLoadException.class,
                () -> ImageEvaluation.run(classifier, LabelledImages.read(dir, Optional.empty())));
        assertEquals(
                dir.resolve("cats/b.png") + " is not an image this program can read (PNG, JPEG, BMP or GIF)",
                e.getMessage());
    }
}
