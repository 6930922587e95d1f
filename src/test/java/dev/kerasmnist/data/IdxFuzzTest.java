package dev.kerasmnist.data;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kerasmnist.Fixtures;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random mutations of valid IDX files (flipped bytes, header fields, truncations, extensions): the reader only
 * ever returns data consistent with the bytes or throws {@link IdxFormatException}. Bounded: 20,000 cases with a
 * fixed seed, well under a second.
 */
class IdxFuzzTest {
    @Test
    void mutatedFilesEitherParseOrFailWithOurException() {
        Random random = new Random(20261126);
        byte[] pixels = new byte[5 * 4 * 3];
        random.nextBytes(pixels);
        byte[] images = Fixtures.idxImages(0x803, 5, 4, 3, pixels);
        byte[] labels = Fixtures.idxLabels(0x801, 5, new byte[] {1, 2, 3, 4, 5});
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            boolean image = random.nextBoolean();
            byte[] mutated = mutate(image ? images : labels, random);
            try {
                if (image) {
                    IdxImages result = IdxReader.parseImages(mutated, "fuzz");
                    assertTrue((long) result.count() * result.rows() * result.cols() == mutated.length - 16L);
                } else {
                    IdxLabels result = IdxReader.parseLabels(mutated, "fuzz");
                    assertTrue(result.count() == mutated.length - 8);
                }
                parsed++;
            } catch (IdxFormatException expected) {
                rejected++;
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("case " + i + " escaped with " + e + " for bytes " + Arrays.toString(mutated), e);
            }
        }
        assertTrue(parsed > 100 && rejected > 100, "both outcomes exercised: " + parsed + " / " + rejected);
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] b = valid.clone();
        switch (random.nextInt(5)) {
            case 0 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            case 1 -> { // a header field replaced by anything, huge counts included
                int field = 4 * random.nextInt(Math.min(4, b.length / 4));
                int value = random.nextBoolean() ? random.nextInt() : random.nextInt(8);
                b[field] = (byte) (value >>> 24);
                b[field + 1] = (byte) (value >>> 16);
                b[field + 2] = (byte) (value >>> 8);
                b[field + 3] = (byte) value;
            }
            case 2 -> b = Arrays.copyOf(b, random.nextInt(b.length));
            case 3 -> b = Arrays.copyOf(b, b.length + 1 + random.nextInt(20));
            default -> {
                // leave valid: must parse
            }
        }
        return b;
    }
}
