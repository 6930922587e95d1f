package dev.kerasmnist.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.plots.Charts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistPreprocessorTest {
    @TempDir
    Path tmp;

    /** A "1"-like bar and a cross-stroke drawn in black on a white 100x60 canvas, off-centre. */
    static BufferedImage darkDigitOnLight() {
        BufferedImage image = new BufferedImage(100, 60, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 100, 60);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(4));
        g.drawLine(70, 10, 70, 50); // vertical stroke, 40 px tall
        g.drawLine(62, 18, 70, 10);
        g.dispose();
        return image;
    }

    @Test
    void aDarkDigitOnLightPaperEndsUpCentredWhiteOnBlack() {
        float[] px = MnistPreprocessor.toMnist(darkDigitOnLight());
        assertEquals(784, px.length);
        double mass = 0;
        double cx = 0;
        double cy = 0;
        int minX = 28;
        int maxX = -1;
        int minY = 28;
        int maxY = -1;
        for (int i = 0; i < 784; i++) {
            int x = i % 28;
            int y = i / 28;
            mass += px[i];
            cx += px[i] * (x + 0.5);
            cy += px[i] * (y + 0.5);
            if (px[i] > 0.2f) {
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
            }
        }
        assertEquals(14.0, cx / mass, 0.75, "centre of mass x");
        assertEquals(14.0, cy / mass, 0.75, "centre of mass y");
        assertTrue(
                maxY - minY + 1 <= 20 && maxY - minY + 1 >= 18, "longest side scaled to 20 px: " + (maxY - minY + 1));
        assertTrue(maxX - minX + 1 < 12, "aspect ratio kept: width " + (maxX - minX + 1));
        assertTrue(px[0] == 0f && px[783] == 0f, "background is black");
        float max = 0;
        for (float v : px) {
            max = Math.max(max, v);
        }
        assertTrue(max > 0.9f, "ink is white: " + max);
    }

    @Test
    void anMnistImagePassesThroughUnchanged() {
        MnistSplit split = Fixtures.synthetic(3, 8);
        for (int n = 0; n < 3; n++) {
            float[] expected = new float[784];
            for (int p = 0; p < 784; p++) {
                expected[p] = split.images().pixel(n, p) / 255f;
            }
            BufferedImage gray = Charts.digitImage(expected);
            assertArrayEquals(expected, MnistPreprocessor.toMnist(gray));
            BufferedImage rgb = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(gray, 0, 0, null);
            assertArrayEquals(expected, MnistPreprocessor.toMnist(rgb));
        }
    }

    @Test
    void transparentBackgroundCountsAsPaper() {
        BufferedImage image = new BufferedImage(50, 50, BufferedImage.TYPE_INT_ARGB); // fully transparent
        Graphics2D g = image.createGraphics();
        g.setColor(Color.BLACK);
        g.fillRect(20, 5, 8, 40);
        g.dispose();
        float[] px = MnistPreprocessor.toMnist(image);
        assertEquals(0f, px[0], 0f);
        assertTrue(px[14 * 28 + 14] > 0.9f, "ink in the middle");
    }

    @Test
    void aBlankImageGivesBlankInput() {
        BufferedImage white = new BufferedImage(40, 40, BufferedImage.TYPE_INT_RGB);
        white.getGraphics().fillRect(0, 0, 40, 40);
        assertArrayEquals(new float[784], MnistPreprocessor.toMnist(white));
    }

    @Test
    void unreadableFilesAreClearErrors() throws IOException {
        ImageLoadException missing =
                assertThrows(ImageLoadException.class, () -> ImageDecoder.read(tmp.resolve("none.png")));
        assertTrue(missing.getMessage().startsWith("image not found"), missing.getMessage());

        Path text = Files.writeString(tmp.resolve("notes.png"), "not an image");
        ImageLoadException notImage = assertThrows(ImageLoadException.class, () -> ImageDecoder.read(text));
        assertTrue(notImage.getMessage().contains("is not an image"), notImage.getMessage());
    }

    @Test
    void aZeroByZeroImageIsRefused() throws IOException {
        Path png = pngDeclaring(0, 0, "empty.png");
        ImageLoadException e = assertThrows(ImageLoadException.class, () -> ImageDecoder.read(png));
        assertTrue(e.getMessage().contains("0x0") || e.getMessage().contains("could not be decoded"), e.getMessage());
    }

    @Test
    void aHugeDeclaredSizeIsRefusedBeforeDecoding() throws IOException {
        Path png = pngDeclaring(20000, 20000, "huge.png");
        ImageLoadException e = assertThrows(ImageLoadException.class, () -> ImageDecoder.read(png));
        assertTrue(e.getMessage().contains("20000x20000 pixels"), e.getMessage());
    }

    /** A valid 1x1 PNG whose header then claims another size (with a correct CRC). */
    private Path pngDeclaring(int width, int height, String name) throws IOException {
        Path png = tmp.resolve(name);
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        byte[] bytes = Files.readAllBytes(png);
        // IHDR starts at byte 8: length(4) "IHDR"(4) width(4) height(4) ... CRC over type+data (17 bytes).
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(bytes, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return Files.write(png, bytes);
    }
}
