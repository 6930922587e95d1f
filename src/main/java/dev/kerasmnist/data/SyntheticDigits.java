package dev.kerasmnist.data;

import java.util.Random;

/**
 * MNIST-shaped stand-in data, for lessons run without MNIST and for tests: each digit class is a fixed random
 * pattern (about 20% of pixels lit) and each example is its class's pattern with 5% of pixels flipped. Easy to
 * learn, deterministic for a seed.
 */
public final class SyntheticDigits {
    private SyntheticDigits() {}

    /** {@code count} examples with random labels; the class patterns are the same for every seed. */
    public static MnistSplit split(int count, long seed) {
        Random patterns = new Random(42);
        byte[][] prototype = new byte[MnistSplit.CLASSES][MnistSplit.PIXELS];
        for (byte[] p : prototype) {
            for (int i = 0; i < p.length; i++) {
                p[i] = (byte) (patterns.nextDouble() < 0.2 ? 255 : 0);
            }
        }
        Random random = new Random(seed);
        byte[] pixels = new byte[count * MnistSplit.PIXELS];
        byte[] labels = new byte[count];
        for (int n = 0; n < count; n++) {
            int label = random.nextInt(MnistSplit.CLASSES);
            labels[n] = (byte) label;
            for (int i = 0; i < MnistSplit.PIXELS; i++) {
                byte v = prototype[label][i];
                if (random.nextDouble() < 0.05) {
                    v = (byte) (v == 0 ? random.nextInt(256) : 0);
                }
                pixels[n * MnistSplit.PIXELS + i] = v;
            }
        }
        return new MnistSplit(
                new IdxImages(count, MnistSplit.ROWS, MnistSplit.COLS, pixels), new IdxLabels(count, labels));
    }
}
