package dev.kerasmnist.data;

/**
 * One half of MNIST (train or test): images paired with their labels, checked to match in count,
 * to be 28x28 and to hold labels 0..9.
 */
public record MnistSplit(IdxImages images, IdxLabels labels) {
    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int PIXELS = ROWS * COLS;
    public static final int CLASSES = 10;

    /** Pairs images and labels, or says precisely why they do not belong together. */
    public static MnistSplit of(IdxImages images, IdxLabels labels, String name) throws IdxFormatException {
        if (images.count() != labels.count()) {
            throw new IdxFormatException(name + ": " + images.count() + " images but " + labels.count()
                    + " labels; the image and label files must come from the same set");
        }
        if (images.rows() != ROWS || images.cols() != COLS) {
            throw new IdxFormatException(
                    name + ": images are " + images.rows() + "x" + images.cols() + ", expected 28x28");
        }
        for (int i = 0; i < labels.count(); i++) {
            if (labels.label(i) >= CLASSES) {
                throw new IdxFormatException(
                        name + ": label " + labels.label(i) + " at index " + i + " is out of range 0..9");
            }
        }
        return new MnistSplit(images, labels);
    }

    public int size() {
        return labels.count();
    }

    /** The first {@code n} examples (all of them when n is at least the size), for quick runs. */
    public MnistSplit first(int n) {
        if (n >= size()) {
            return this;
        }
        if (n < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + n);
        }
        byte[] px = java.util.Arrays.copyOf(images.pixels(), n * PIXELS);
        byte[] lb = java.util.Arrays.copyOf(labels.labels(), n);
        return new MnistSplit(new IdxImages(n, ROWS, COLS, px), new IdxLabels(n, lb));
    }

    /** Examples {@code from} (inclusive) to {@code to} (exclusive), e.g. the validation part at the end. */
    public MnistSplit range(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") of " + size() + " examples");
        }
        int n = to - from;
        byte[] px = java.util.Arrays.copyOfRange(images.pixels(), from * PIXELS, to * PIXELS);
        byte[] lb = java.util.Arrays.copyOfRange(labels.labels(), from, to);
        return new MnistSplit(new IdxImages(n, ROWS, COLS, px), new IdxLabels(n, lb));
    }

    public int label(int i) {
        return labels.label(i);
    }
}
