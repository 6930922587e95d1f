package dev.kerasmnist.model;

import java.util.Arrays;

/** Shape arithmetic that several layers share. */
final class Shapes {
    private Shapes() {}

    /** The feature maps a window of {@code k} moved by {@code s} gives (convolution, pooling). */
    static int[] window(String at, int[] shape, DataFormat format, Size2D k, Size2D s, Padding padding, int channels) {
        int rows = padding.outputSize(format.rows(shape), k.rows(), s.rows());
        int cols = padding.outputSize(format.cols(shape), k.cols(), s.cols());
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(at + " with a " + k + " window needs feature maps of at least that,"
                    + " not " + Arrays.toString(shape));
        }
        return format.shape(rows, cols, channels);
    }

    /** The number of values of {@code shape}, refused past 2^31. */
    static int product(int[] shape) {
        long p = 1;
        for (int d : shape) {
            p *= d;
            if (p > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a layer of more than 2^31 values: " + Arrays.toString(shape));
            }
        }
        return (int) p;
    }
}
