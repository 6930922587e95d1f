package dev.kerasmnist.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A strict reader for the IDX format MNIST ships in (big-endian header, then unsigned bytes).
 *
 * <p>Every defect is an {@link IdxFormatException} naming the file: wrong magic number, non-positive dimensions,
 * a header that promises more or fewer bytes than the file holds. Sizes are checked against the file's length
 * before anything is allocated, so a corrupt header cannot ask for gigabytes. Files ending in {@code .gz} are
 * decompressed first.
 */
public final class IdxReader {
    /** 0x00 0x00, type 0x08 (unsigned byte), 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** 0x00 0x00, type 0x08 (unsigned byte), 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    public static IdxImages readImages(Path file) throws IOException {
        return parseImages(readBytes(file), file.toString());
    }

    public static IdxLabels readLabels(Path file) throws IOException {
        return parseLabels(readBytes(file), file.toString());
    }

    /** The file's bytes, decompressed when its name ends in .gz. */
    public static byte[] readBytes(Path file) throws IOException {
        try {
            if (!file.getFileName().toString().endsWith(".gz")) {
                return Files.readAllBytes(file);
            }
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                return in.readAllBytes();
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "IDX file not found");
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new IdxFormatException(file + ": not a valid gzip file (" + e.getMessage() + ")");
        }
    }

    public static IdxImages parseImages(byte[] bytes, String name) throws IdxFormatException {
        ByteBuffer header = header(bytes, name, 16, IMAGES_MAGIC, "images (IDX3)");
        int count = header.getInt(4);
        int rows = header.getInt(8);
        int cols = header.getInt(12);
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new IdxFormatException(name + ": invalid dimensions " + count + " x " + rows + " x " + cols);
        }
        long expected = (long) count * rows * cols;
        checkLength(name, bytes.length - 16L, expected, count + " images of " + rows + "x" + cols);
        byte[] pixels = new byte[(int) expected];
        System.arraycopy(bytes, 16, pixels, 0, pixels.length);
        return new IdxImages(count, rows, cols, pixels);
    }

    public static IdxLabels parseLabels(byte[] bytes, String name) throws IdxFormatException {
        ByteBuffer header = header(bytes, name, 8, LABELS_MAGIC, "labels (IDX1)");
        int count = header.getInt(4);
        if (count < 0) {
            throw new IdxFormatException(name + ": invalid label count " + count);
        }
        checkLength(name, bytes.length - 8L, count, count + " labels");
        byte[] labels = new byte[count];
        System.arraycopy(bytes, 8, labels, 0, count);
        return new IdxLabels(count, labels);
    }

    private static ByteBuffer header(byte[] bytes, String name, int size, int magic, String kind)
            throws IdxFormatException {
        if (bytes.length < size) {
            throw new IdxFormatException(
                    name + ": truncated: " + bytes.length + " bytes, shorter than the " + size + "-byte IDX header");
        }
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, size); // big-endian by default, as IDX is
        int found = header.getInt(0);
        if (found != magic) {
            throw new IdxFormatException(
                    String.format("%s: wrong magic number 0x%08X, expected 0x%08X for %s", name, found, magic, kind));
        }
        return header;
    }

    private static void checkLength(String name, long actual, long expected, String what) throws IdxFormatException {
        if (actual < expected) {
            throw new IdxFormatException(name + ": truncated: header promises " + what + " (" + expected
                    + " bytes) but only " + actual + " follow");
        }
        if (actual > expected) {
            throw new IdxFormatException(
                    name + ": " + (actual - expected) + " unexpected trailing bytes after " + what);
        }
    }
}
