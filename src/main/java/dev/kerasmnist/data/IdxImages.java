package dev.kerasmnist.data;

/**
 * Images from an IDX3 file: {@code count} images of {@code rows x cols} unsigned bytes, row-major, one after another.
 * The array is shared, not copied: treat it as read-only.
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {
    public IdxImages {
        if (count < 0 || rows <= 0 || cols <= 0 || pixels.length != (long) count * rows * cols) {
            throw new IllegalArgumentException("pixels must hold count*rows*cols bytes");
        }
    }

    public int pixelsPerImage() {
        return rows * cols;
    }

    /** Pixel {@code p} of image {@code i} as 0..255. */
    public int pixel(int i, int p) {
        return pixels[i * pixelsPerImage() + p] & 0xFF;
    }
}
