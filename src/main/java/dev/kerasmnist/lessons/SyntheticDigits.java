package dev.kerasmnist.lessons;

import dev.kerasmnist.data.IdxImages;
import dev.kerasmnist.data.IdxLabels;
import dev.kerasmnist.data.MnistSplit;
import java.util.Random;

/**
 * MNIST-shaped stand-in data for when the real MNIST is absent: each digit class is a fixed random pattern with
 * noise. Easy to learn, so lessons still run and show their contrast.
 */
final class SyntheticDigits {
    private SyntheticDigits() {
    }

    static MnistSplit split(int count, long seed) {
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
                boolean flip = random.nextDouble() < 0.1;
                pixels[n * MnistSplit.PIXELS + i] = flip ? (byte) random.nextInt(256) : prototype[label][i];
            }
        }
        return new MnistSplit(new IdxImages(count, 28, 28, pixels), new IdxLabels(count, labels));
    }
}
