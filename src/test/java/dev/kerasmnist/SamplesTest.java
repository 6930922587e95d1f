package dev.kerasmnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistLocator;
import dev.kerasmnist.data.MnistSplit;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The pictures in {@code samples/}: MNIST test digits as 28x28 grayscale PNGs, white on black as MNIST stores them.
 * {@code main} writes them; the test checks the committed files still are those digits, where MNIST is found.
 */
public class SamplesTest {
    static final Path SAMPLES = Path.of("samples");
    static final int PER_DIGIT = 2;

    /** {@code samples/digits/<label>/mnist-test-<index>.png}: the first {@link #PER_DIGIT} test images of each digit. */
    static Map<Path, Integer> pictures(MnistSplit test) {
        Map<Path, Integer> pictures = new LinkedHashMap<>();
        pictures.put(SAMPLES.resolve("digit.png"), 0); // the first test image, a 7
        int[] taken = new int[MnistSplit.CLASSES];
        for (int n = 0; n < test.size(); n++) {
            int label = test.label(n);
            if (taken[label]++ < PER_DIGIT) {
                pictures.put(
                        SAMPLES.resolve("digits")
                                .resolve(Integer.toString(label))
                                .resolve(String.format("mnist-test-%05d.png", n)),
                        n);
            }
        }
        return pictures;
    }

    static BufferedImage picture(MnistSplit test, int n) {
        BufferedImage image = new BufferedImage(MnistSplit.COLS, MnistSplit.ROWS, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < MnistSplit.PIXELS; p++) {
            image.getRaster()
                    .setSample(
                            p % MnistSplit.COLS,
                            p / MnistSplit.COLS,
                            0,
                            test.images().pixel(n, p));
        }
        return image;
    }

    /** Writes the samples from the MNIST files in {@code args[0]} into the current folder's {@code samples/}. */
    public static void main(String[] args) throws IOException {
        MnistSplit test = Mnist.load(Path.of(args[0])).test();
        for (Map.Entry<Path, Integer> e : pictures(test).entrySet()) {
            Files.createDirectories(e.getKey().getParent());
            ImageIO.write(picture(test, e.getValue()), "png", e.getKey().toFile());
        }
    }

    @Test
    void theSamplesAreMnistTestDigits() throws IOException {
        Optional<Path> dir = MnistLocator.fromEnvironment(Optional.empty()).find();
        assumeTrue(dir.isPresent() && Files.isDirectory(SAMPLES), "real MNIST not found");
        MnistSplit test = Mnist.load(dir.get()).test();
        Map<Path, Integer> pictures = pictures(test);
        assertEquals(1 + PER_DIGIT * MnistSplit.CLASSES, pictures.size());
        assertEquals(7, test.label(0));
        for (Map.Entry<Path, Integer> e : pictures.entrySet()) {
            BufferedImage committed = ImageIO.read(e.getKey().toFile());
            int[] pixels = committed.getRaster().getPixels(0, 0, MnistSplit.COLS, MnistSplit.ROWS, (int[]) null);
            int[] expected = picture(test, e.getValue())
                    .getRaster()
                    .getPixels(0, 0, MnistSplit.COLS, MnistSplit.ROWS, (int[]) null);
            assertArrayEquals(expected, pixels, e.getKey().toString());
        }
    }
}
