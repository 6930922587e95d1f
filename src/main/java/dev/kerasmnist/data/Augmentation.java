package dev.kerasmnist.data;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Random small distortions of training digits, drawn afresh for every image of every epoch, as Keras's
 * {@code ImageDataGenerator(width_shift_range, height_shift_range, rotation_range, zoom_range)} or the
 * {@code RandomTranslation/RandomRotation/RandomZoom} layers do: a shift of up to {@code maxShift} pixels in each
 * direction, a rotation of up to {@code maxRotationDegrees} either way and a zoom by a factor within
 * {@code 1 +- maxZoom}, about the image centre, resampled bilinearly, with black (0) outside the image.
 *
 * @param maxShift           pixels, e.g. 2
 * @param maxRotationDegrees degrees, e.g. 10
 * @param maxZoom            e.g. 0.1 for 90%..110%
 */
public record Augmentation(double maxShift, double maxRotationDegrees, double maxZoom) {
    private static final int SIDE = MnistSplit.ROWS;
    private static final double CENTRE = (SIDE - 1) / 2.0;

    public Augmentation {
        if (maxShift < 0
                || maxShift > 8
                || maxRotationDegrees < 0
                || maxRotationDegrees > 90
                || maxZoom < 0
                || maxZoom >= 0.5) {
            throw new IllegalArgumentException("augmentation out of range: shift 0..8 px, rotation 0..90 degrees,"
                    + " zoom 0..0.5; got " + maxShift + ", " + maxRotationDegrees + ", " + maxZoom);
        }
    }

    /** The distortions the tuned MLP trains with: 2 px, 10 degrees, 10% zoom. */
    public static final Augmentation MNIST_DEFAULT = new Augmentation(2, 10, 0.1);

    /** The random stream for one epoch of a run: the same images get the same distortions when it is re-run. */
    static SplittableRandom random(long seed, int epoch) {
        return new SplittableRandom(seed * 0x632BE59BD9B4E019L + epoch);
    }

    /**
     * Distorts one 28x28 image in place.
     *
     * @param pixels  the batch buffer
     * @param offset  where the image starts in it
     * @param scratch 784 floats of working space
     */
    void apply(float[] pixels, int offset, RandomGenerator random, float[] scratch) {
        double dx = (random.nextDouble() * 2 - 1) * maxShift;
        double dy = (random.nextDouble() * 2 - 1) * maxShift;
        double angle = Math.toRadians((random.nextDouble() * 2 - 1) * maxRotationDegrees);
        double zoom = 1 + (random.nextDouble() * 2 - 1) * maxZoom;
        System.arraycopy(pixels, offset, scratch, 0, SIDE * SIDE);
        // Inverse mapping: for each output pixel, where it comes from in the source.
        double cos = Math.cos(angle) / zoom;
        double sin = Math.sin(angle) / zoom;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double u = x - CENTRE - dx;
                double v = y - CENTRE - dy;
                double sx = cos * u + sin * v + CENTRE;
                double sy = -sin * u + cos * v + CENTRE;
                pixels[offset + y * SIDE + x] = bilinear(scratch, sx, sy);
            }
        }
    }

    private static float bilinear(float[] image, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double top = (1 - fx) * at(image, x0, y0) + fx * at(image, x0 + 1, y0);
        double bottom = (1 - fx) * at(image, x0, y0 + 1) + fx * at(image, x0 + 1, y0 + 1);
        return (float) ((1 - fy) * top + fy * bottom);
    }

    private static float at(float[] image, int x, int y) {
        return x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0f : image[y * SIDE + x];
    }
}
