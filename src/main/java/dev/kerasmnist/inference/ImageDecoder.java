package dev.kerasmnist.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG, JPEG, BMP and GIF images (files and uploads) with the JDK's ImageIO, checking the declared size first.
 * Large images are decoded subsampled, at most {@value #MAX_DECODED_SIDE} pixels on a side: a digit needs no
 * 16 megapixels (the preprocessing scales it to 20x20), and a 4096x4096 picture would otherwise take 64 MB of heap
 * however small its file.
 */
public final class ImageDecoder {
    /** Larger images are refused before decoding: a small file can declare a huge size. */
    public static final long MAX_PIXELS = 40_000_000L;
    /** The longest side of a decoded image; larger ones are read every n-th pixel (ImageIO's source subsampling). */
    public static final int MAX_DECODED_SIDE = 256;
    /** The most heap one decoded image takes: {@code MAX_DECODED_SIDE^2} pixels of 4 bytes. */
    public static final long MAX_DECODED_BYTES = 4L * MAX_DECODED_SIDE * MAX_DECODED_SIDE;

    private ImageDecoder() {}

    /** Reads a PNG, JPEG, BMP or GIF file, checking its declared size before decoding it. */
    public static BufferedImage read(Path file) throws ImageLoadException {
        if (!Files.isRegularFile(file)) {
            throw new ImageLoadException("image not found: " + file.toAbsolutePath());
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return decode(in, file.toString(), MAX_PIXELS);
        } catch (ImageLoadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageLoadException(file + " could not be decoded as an image (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Decodes a PNG, JPEG, BMP or GIF held in memory (an upload), refusing it before decoding if its header declares
     * more than {@code maxPixels} pixels.
     *
     * @param bytes     the encoded image
     * @param maxPixels the largest width x height accepted
     * @return the decoded image
     * @throws ImageLoadException if the bytes are not an image ({@link ImageTooLargeException}: too large)
     */
    public static BufferedImage decode(byte[] bytes, long maxPixels) throws ImageLoadException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in, "the body", maxPixels);
        } catch (ImageLoadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageLoadException("the body could not be decoded as an image (" + e.getMessage() + ")", e);
        }
    }

    private static BufferedImage decode(ImageInputStream in, String what, long maxPixels) throws ImageLoadException {
        Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
        if (readers == null || !readers.hasNext()) {
            throw new ImageLoadException(what + " is not an image this program can read (PNG, JPEG, BMP or GIF)");
        }
        ImageReader reader = readers.next();
        try {
            reader.setInput(in, true, true);
            long width = reader.getWidth(0);
            long height = reader.getHeight(0);
            if (width < 1 || height < 1) {
                throw new ImageLoadException(what + " is empty (" + width + "x" + height + " pixels)");
            }
            if (width * height > maxPixels) {
                throw new ImageTooLargeException(what + " is " + width + "x" + height + " pixels; the limit is "
                        + maxPixels + " pixels: scale it down first");
            }
            ImageReadParam param = reader.getDefaultReadParam();
            int step = (int) ((Math.max(width, height) + MAX_DECODED_SIDE - 1) / MAX_DECODED_SIDE);
            if (step > 1) {
                param.setSourceSubsampling(step, step, 0, 0);
            }
            return reader.read(0, param);
        } catch (ImageLoadException e) {
            throw e;
        } catch (IOException e) { // the decoder's own words: "Unsupported PNG color type" and the like
            throw new ImageLoadException(what + " could not be decoded as an image (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) { // a decoder tripping over hostile data: its text would say nothing useful
            throw new ImageLoadException(what + " could not be decoded as an image (its data is damaged)", e);
        } finally {
            reader.dispose();
        }
    }
}
