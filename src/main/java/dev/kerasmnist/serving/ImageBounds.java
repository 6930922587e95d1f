package dev.kerasmnist.serving;

import dev.kerasmnist.inference.ImageLoadException;
import dev.kerasmnist.inference.ImageTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * What decoding an uploaded image will allocate, known from its header before decoding. The pixel count alone is
 * not enough: ImageIO's PNG reader holds full-width rows whatever the subsampling, so a 130 KB PNG declaring
 * 16777216x1 16-bit RGBA pixels passes a 16-megapixel check and then allocates 128 MiB a row.
 *
 * @param width    pixels across
 * @param height   pixels down
 * @param rowBytes the bytes of one undecoded row (PNG: width x channels x bit depth / 8)
 */
record ImageBounds(long width, long height, long rowBytes) {
    /** The longest side accepted: a digit needs no more, and it bounds every decoder's row buffers. */
    static final int MAX_SIDE = 16384;
    /**
     * The rows a decoder keeps besides its output: PNG's reader holds the previous and the current row (for its
     * filters) and one row converted for the destination.
     */
    static final int ROWS_HELD = 3;
    /** Formats other than PNG are counted at 4 bytes a pixel (8-bit RGBA, the most JPEG, BMP and GIF decode to). */
    private static final int OTHER_BYTES_PER_PIXEL = 4;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /**
     * Reads the header of {@code bytes} and checks its sides and pixel count.
     *
     * @throws ImageTooLargeException if a side is over {@link #MAX_SIDE} or width x height over {@code maxPixels}
     * @throws ImageLoadException     if the bytes are not an image ImageIO reads
     */
    static ImageBounds of(byte[] bytes, long maxPixels) throws ImageLoadException {
        ImageBounds bounds = isPng(bytes) ? png(bytes) : other(bytes);
        if (bounds.width < 1 || bounds.height < 1) {
            throw new ImageLoadException(
                    "the body is an empty image (" + bounds.width + "x" + bounds.height + " pixels)");
        }
        if (bounds.width * bounds.height > maxPixels) {
            throw new ImageTooLargeException("the image is " + bounds.width + "x" + bounds.height + " pixels; the "
                    + "limit is " + maxPixels + " pixels: scale it down first");
        }
        if (bounds.width > MAX_SIDE || bounds.height > MAX_SIDE) {
            throw new ImageTooLargeException("the image is " + bounds.width + "x" + bounds.height + " pixels; the "
                    + "limit is " + MAX_SIDE + " pixels a side: scale it down first");
        }
        return bounds;
    }

    /** The heap the decoder holds besides the decoded image. */
    long decoderBytes() {
        return ROWS_HELD * rowBytes;
    }

    /** Whether a decode failed because the heap ran out (ImageIO wraps a reader's error in an IIOException). */
    static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPng(byte[] bytes) {
        if (bytes.length < 33) {
            return false;
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (bytes[i] != PNG_SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** The IHDR chunk, always first: width, height, bit depth and colour type at fixed offsets. */
    private static ImageBounds png(byte[] b) throws ImageLoadException {
        if (b[12] != 'I' || b[13] != 'H' || b[14] != 'D' || b[15] != 'R') {
            throw new ImageLoadException("the body is a PNG without its IHDR header");
        }
        long width = uint32(b, 16);
        long height = uint32(b, 20);
        int bitDepth = b[24] & 0xff;
        int channels =
                switch (b[25] & 0xff) {
                    case 0, 3 -> 1; // gray, palette
                    case 2 -> 3; // RGB
                    case 4 -> 2; // gray and alpha
                    case 6 -> 4; // RGBA
                    default ->
                        throw new ImageLoadException("the body is a PNG of unknown colour type " + (b[25] & 0xff));
                };
        return new ImageBounds(width, height, (width * channels * bitDepth + 7) / 8);
    }

    private static ImageBounds other(byte[] bytes) throws ImageLoadException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new ImageLoadException("the body is not an image this program can read (PNG, JPEG, BMP or GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                return new ImageBounds(width, reader.getHeight(0), width * OTHER_BYTES_PER_PIXEL);
            } finally {
                reader.dispose();
            }
        } catch (ImageLoadException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageLoadException("the body could not be decoded as an image (its header is damaged)", e);
        }
    }

    private static long uint32(byte[] b, int at) {
        return ((b[at] & 0xffL) << 24) | ((b[at + 1] & 0xffL) << 16) | ((b[at + 2] & 0xffL) << 8) | (b[at + 3] & 0xffL);
    }
}
