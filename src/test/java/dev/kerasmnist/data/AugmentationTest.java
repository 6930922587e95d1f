package dev.kerasmnist.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kerasmnist.Fixtures;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static final MnistSplit DIGITS = Fixtures.synthetic(64, 9);

    private static float[] epoch(MnistRecordReader reader) {
        float[] pixels = new float[64 * 784];
        reader.nextInto(pixels, new float[640], 64);
        return pixels;
    }

    @Test
    void nothingToDrawLeavesImagesExactlyAsTheyWere() {
        float[] plain = epoch(new MnistRecordReader(DIGITS, true, 3));
        float[] none = epoch(new MnistRecordReader(DIGITS, true, 3).augment(new Augmentation(0, 0, 0)));
        assertArrayEquals(plain, none);
    }

    @Test
    void aWholePixelShiftMovesTheImage() {
        float[] image = Fixtures.pixels(DIGITS, 0);
        float[] shifted = image.clone();
        // Draws that give dx = +1 px (the largest shift of 1), dy = 0, no rotation, no zoom.
        new Augmentation(1, 0, 0).apply(shifted, 0, new FixedRandom(1.0, 0.5, 0.5, 0.5), new float[784]);
        for (int y = 0; y < 28; y++) {
            for (int x = 1; x < 28; x++) {
                assertEquals(image[y * 28 + x - 1], shifted[y * 28 + x], 1e-6, "(" + x + ", " + y + ")");
            }
            assertEquals(0f, shifted[y * 28], "black comes in from the edge");
        }
    }

    @Test
    void theSameSeedAndEpochGiveTheSameDistortionsAndOtherEpochsOthers() {
        Augmentation a = Augmentation.MNIST_DEFAULT;
        float[] first = epoch(new MnistRecordReader(DIGITS, true, 5).augment(a));
        float[] again = epoch(new MnistRecordReader(DIGITS, true, 5).augment(a));
        assertArrayEquals(first, again);
        MnistRecordReader resumed = new MnistRecordReader(DIGITS, true, 5).augment(a);
        resumed.resumeAt(2);
        resumed.reset();
        MnistRecordReader straight = new MnistRecordReader(DIGITS, true, 5).augment(a);
        straight.reset();
        float[] second = epoch(straight);
        assertArrayEquals(second, epoch(resumed), "epoch 2 of a resumed run is epoch 2");
        assertFalse(Arrays.equals(first, second));
        assertFalse(Arrays.equals(first, epoch(new MnistRecordReader(DIGITS, true, 5))), "it does distort");
    }

    @Test
    void outOfRangeSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Augmentation(2, 10, 0.6));
    }

    /** Returns the given doubles in turn. */
    private static final class FixedRandom implements RandomGenerator {
        private final double[] values;
        private int next;

        FixedRandom(double... values) {
            this.values = values;
        }

        @Override
        public double nextDouble() {
            return values[next++];
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException("only nextDouble is drawn");
        }
    }
}
