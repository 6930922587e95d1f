package dev.kerasmnist.data;

import static dev.kerasmnist.Fixtures.idxImages;
import static dev.kerasmnist.Fixtures.idxLabels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    private Path fixture(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 7);
        }
        return p;
    }

    @Test
    void readsValidImagesAndLabels() throws IOException {
        IdxImages images = IdxReader.readImages(fixture("valid-images.idx", idxImages(0x803, 3, 2, 4, pixels(24))));
        assertEquals(3, images.count());
        assertEquals(2, images.rows());
        assertEquals(4, images.cols());
        assertArrayEquals(pixels(24), images.pixels());
        assertEquals(63, images.pixel(1, 1)); // byte 9 = 7 * 9
        assertEquals(161, images.pixel(2, 7)); // byte 23 = 7 * 23 = 161, read unsigned

        IdxLabels labels = IdxReader.readLabels(fixture("valid-labels.idx", idxLabels(0x801, 3, new byte[] {7, 0, 9})));
        assertEquals(3, labels.count());
        assertEquals(9, labels.label(2));
    }

    @Test
    void readsGzippedFiles() throws IOException {
        Path gz = dir.resolve("valid-labels.idx.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(idxLabels(0x801, 2, new byte[] {4, 2}));
        }
        assertEquals(2, IdxReader.readLabels(gz).label(1));
    }

    @Test
    void rejectsWrongMagicNumber() throws IOException {
        Path f = fixture("invalid-magic-byte.idx", idxImages(0x801, 1, 2, 2, pixels(4)));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("wrong magic number 0x00000801, expected 0x00000803"), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
    }

    @Test
    void rejectsLabelsFileReadAsImages() throws IOException {
        Path f = fixture("labels-as-images.idx", idxLabels(0x801, 4, new byte[4]));
        assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
    }

    @Test
    void rejectsTruncatedPixels() throws IOException {
        byte[] full = idxImages(0x803, 3, 2, 2, pixels(12));
        Path f = fixture("truncated-pixels.idx", Arrays.copyOf(full, full.length - 5));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(
                e.getMessage().contains("truncated: header promises 3 images of 2x2 (12 bytes) but only 7 follow"),
                e.getMessage());
    }

    @Test
    void rejectsFileShorterThanHeader() throws IOException {
        Path f = fixture("truncated-header.idx", new byte[] {0, 0, 8, 3, 0, 0});
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("shorter than the 16-byte IDX header"), e.getMessage());
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] full = idxLabels(0x801, 2, new byte[] {1, 2});
        Path f = fixture("trailing-bytes.idx", Arrays.copyOf(full, full.length + 3));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(f));
        assertTrue(e.getMessage().contains("3 unexpected trailing bytes after 2 labels"), e.getMessage());
    }

    @Test
    void rejectsHeaderClaimingBillionsOfImagesWithoutAllocatingThem() throws IOException {
        Path f = fixture("claims-billions.idx", idxImages(0x803, Integer.MAX_VALUE, 28, 28, pixels(784)));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readImages(f));
        assertTrue(e.getMessage().contains("truncated: header promises 2147483647 images of 28x28"), e.getMessage());
    }

    @Test
    void rejectsNonPositiveDimensions() throws IOException {
        Path zeroRows = fixture("zero-rows.idx", idxImages(0x803, 1, 0, 28, new byte[0]));
        assertThrows(IdxFormatException.class, () -> IdxReader.readImages(zeroRows));
        Path negativeCount = fixture("negative-count.idx", idxLabels(0x801, -1, new byte[0]));
        assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(negativeCount));
    }

    @Test
    void rejectsCorruptGzip() throws IOException {
        Path f = fixture("not-gzip.idx.gz", idxLabels(0x801, 1, new byte[] {1}));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.readLabels(f));
        assertTrue(e.getMessage().contains("not a valid gzip file"), e.getMessage());
    }
}
