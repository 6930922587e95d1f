package dev.kerasmnist.model;

/** A Keras {@code (rows, cols)} pair: a kernel, pool or stride size. */
public record Size2D(int rows, int cols) {
    public Size2D {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("sizes must be at least 1, got (" + rows + ", " + cols + ")");
        }
    }

    /** Keras's {@code 3} for {@code (3, 3)}. */
    public static Size2D square(int n) {
        return new Size2D(n, n);
    }

    public int[] array() {
        return new int[] {rows, cols};
    }

    @Override
    public String toString() {
        return "(" + rows + ", " + cols + ")";
    }
}
