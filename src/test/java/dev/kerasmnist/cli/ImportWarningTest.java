package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** import-keras words the library's raw-pixel suspicion as its flag, on one line, and still imports. */
class ImportWarningTest extends CliHarness {
    @TempDir
    Path tmp;

    @Test
    void aRawPixelModelGetsOneLineSuggestingTheInputScale() {
        Path raw = Path.of("src", "test", "resources", "keras", "keras3-raw-pixels.keras");
        assertEquals(
                0,
                run(
                        "import-keras",
                        raw.toString(),
                        "--model",
                        tmp.resolve("raw.zip").toString()));
        String err = stderr.toString();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("warning: keras3-raw-pixels.keras looks trained on raw 0..255 pixels"), err);
        assertTrue(err.strip().endsWith("; import it again with --input-scale 255"), err);
        stderr.getBuffer().setLength(0);
        assertEquals(
                0,
                run(
                        "import-keras",
                        raw.toString(),
                        "--input-scale",
                        "255",
                        "--model",
                        tmp.resolve("raw255.zip").toString()));
        assertEquals("", stderr.toString());
    }
}
