package dev.kerasmnist.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Decodes PNG, JPEG, BMP and GIF images (files and uploads) with the JDK's ImageIO, checking the size first. */
public final class ImageDecoder {
    /** Larger images are refused before decoding: a small file can declare a huge size. */
    public static final long MAX_PIXELS = 40_000_000L;

    private ImageDecoder() {
    }

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
            return reader.read(0);
        } catch (ImageLoadException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageLoadException(what + " could not be decoded as an image (" + e.getMessage() + ")", e);
        } finally {
            reader.dispose();
        }
    }
}
