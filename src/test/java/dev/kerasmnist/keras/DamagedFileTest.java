package dev.kerasmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are not what Keras wrote are refused in one line, as Keras and HDF5 refuse them. */
class DamagedFileTest {
    private static final Path FIXTURES = KerasImportTest.FIXTURES;

    @TempDir
    Path tmp;

    /** 20 bytes overwritten inside the weights of a .keras (stored, not deflated, as Keras writes it). */
    @Test
    void aKerasZipWhoseEntryNoLongerMatchesItsCrcIsRefused() throws IOException {
        byte[] bytes = Files.readAllBytes(FIXTURES.resolve("keras3-convnet.keras"));
        int[] data = entryData(bytes, "model.weights.h5");
        int middle = data[0] + data[1] / 2;
        for (int k = 0; k < 20; k++) {
            bytes[middle + k] ^= 0x5a;
        }
        Path damaged = Files.write(tmp.resolve("flipped.keras"), bytes);
        KerasImportException e = assertThrows(KerasImportException.class, () -> KerasImport.read(damaged));
        assertTrue(
                e.getMessage().contains("flipped.keras: model.weights.h5 is damaged: its CRC-32 is "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    /**
     * Real Keras's .h5 with Adam's state after the weights (they end at 43%, make_real_fixtures.py): cut at 50% it
     * still has every weight, yet it is refused, as HDF5 refuses it ("truncated file").
     */
    @Test
    void anHdf5FileCutShortIsRefusedEvenWithItsWeightsIntact() throws IOException {
        KerasImport.read(FIXTURES.resolve("keras3-adam-rescaling.h5")); // whole, it imports
        for (String name : List.of("keras3-adam-rescaling.h5", "keras2-convnet.h5", "keras3-sequential-legacy.h5")) {
            byte[] bytes = Files.readAllBytes(FIXTURES.resolve(name));
            Path cut = Files.write(tmp.resolve("cut-" + name), Arrays.copyOf(bytes, bytes.length / 2));
            KerasImportException e = assertThrows(KerasImportException.class, () -> KerasImport.read(cut));
            assertTrue(
                    e.getMessage()
                            .endsWith("cut-" + name + " is truncated: its HDF5 superblock says it ends at" + " byte "
                                    + bytes.length + " but it has " + bytes.length / 2
                                    + " bytes; copy or save it again"),
                    e.getMessage());
        }
    }

    /** {offset, length} of a zip entry's stored data, from its local header. */
    static int[] entryData(byte[] zip, String name) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 30 < zip.length; ) {
            assertEquals(0x04034b50, b.getInt(at), "a local file header");
            int compressed = b.getInt(at + 18);
            int nameLength = b.getShort(at + 26) & 0xffff;
            int extraLength = b.getShort(at + 28) & 0xffff;
            int start = at + 30 + nameLength + extraLength;
            if (new String(zip, at + 30, nameLength, StandardCharsets.UTF_8).equals(name)) {
                return new int[] {start, compressed};
            }
            at = start + compressed;
        }
        throw new AssertionError("no entry " + name);
    }
}
