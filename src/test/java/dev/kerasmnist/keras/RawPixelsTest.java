package dev.kerasmnist.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.failures.Remedy;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A model trained on raw 0..255 pixels is suspected, and said so, but never read as such unless told. */
class RawPixelsTest {
    @Test
    void aRawPixelModelReadAtScaleOneGetsOneWarningAndIsLeftAsItIs() throws IOException {
        KerasImport.Imported raw = KerasImport.read(KerasImportTest.FIXTURES.resolve("keras3-raw-pixels.keras"));
        assertEquals(1, raw.spec().inputScale(), "never guessed");
        RawPixels.Spread spread = RawPixels.spread(raw.net());
        // its outputs over the eight strokes: 0.0064 apart at scale 1, 1.29 fed raw pixels
        assertEquals(0.0064, spread.atOne(), 0.001);
        assertEquals(1.29, spread.at255(), 0.05);
        assertEquals(1, raw.warnings().size());
        KerasImport.Warning w = raw.warnings().get(0);
        assertTrue(
                w.message()
                        .startsWith("keras3-raw-pixels.keras looks trained on raw 0..255 pixels: fed pixels"
                                + " / 255, its outputs barely change from one digit to the next (0.00"),
                w.message());
        assertEquals(List.of(new Remedy.InputScale(255)), w.remedies());
        assertEquals(1, w.message().lines().count());

        assertEquals(
                List.of(),
                KerasImport.read(KerasImportTest.FIXTURES.resolve("keras3-raw-pixels.keras"), 255)
                        .warnings(),
                "told, nothing to warn of");
    }

    /** A model trained on pixels / 255 tells the strokes apart at scale 1 (1.63 here) at least as well as ×255. */
    @Test
    void aPixelsOver255ModelIsNotSuspected() throws IOException {
        KerasImport.Imported convnet = KerasImport.read(KerasImportTest.FIXTURES.resolve("keras3-convnet.keras"));
        RawPixels.Spread spread = RawPixels.spread(convnet.net());
        assertEquals(1.633, spread.atOne(), 0.01);
        assertEquals(List.of(), convnet.warnings());
    }
}
