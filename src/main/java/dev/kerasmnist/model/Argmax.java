package dev.kerasmnist.model;

/** Keras's {@code argmax(axis=-1)} over rows of class scores: the first maximum wins, as in NumPy. */
public final class Argmax {
    private Argmax() {}

    /** The index of the largest of {@code classes} values starting at {@code row * classes}. */
    public static int of(float[] rows, int row, int classes) {
        int at = row * classes;
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (rows[at + c] > rows[at + best]) {
                best = c;
            }
        }
        return best;
    }

    /** The index of the largest value. */
    public static int of(float[] values) {
        return of(values, 0, values.length);
    }
}
