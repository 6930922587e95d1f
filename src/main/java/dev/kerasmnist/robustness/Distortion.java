package dev.kerasmnist.robustness;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.inference.Enhance;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * What real pictures of digits do that MNIST's do not, made from an MNIST test digit: each gives the picture a user
 * might send ({@code predict} then preprocesses it). Random choices come from the caller's generator.
 */
public enum Distortion {
    /** The test digit itself (28x28, white on black: it passes preprocessing unchanged). */
    CLEAN("clean"),
    /** Strokes about 1 px (at 28x28) thicker: the digit at 112x112, grey-level dilation by 4 px. */
    THICKER("thicker strokes"),
    /** Strokes about 1 px thinner: erosion by 3 px at 112x112. */
    THINNER("thinner strokes"),
    /** 28x28 as MNIST, but moved 3-5 px off-centre in x and y (MNIST-format input is not recentred). */
    SHIFTED("shifted 3-5 px"),
    /** Rotated by 15-25 degrees either way, at 112x112. */
    ROTATED("rotated 15-25 degrees"),
    /** Drawn 14 px tall somewhere in a 280x280 canvas. */
    SMALL("small in a large canvas"),
    /** Scanned at 10x10, then upscaled to 112x112: blurry. */
    LOW_RESOLUTION("low resolution, upscaled"),
    /** Dark ink on light paper at 112x112, lit unevenly (60-100%), with noise (sigma 15 grey levels). */
    PAPER("dark on paper, uneven light, noise"),
    /** Dark ink on white at 112x112, saved as JPEG at quality 10. */
    JPEG("JPEG quality 10");

    private static final int SIDE = MnistSplit.ROWS;
    private final String label;

    Distortion(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The picture for test digit {@code n}. */
    public BufferedImage apply(MnistSplit split, int n, SplittableRandom random) {
        BufferedImage digit = gray(split, n);
        return switch (this) {
            case CLEAN -> digit;
            case THICKER -> morph(scale(digit, 112, 112), 4, true);
            case THINNER -> morph(scale(digit, 112, 112), 3, false);
            case SHIFTED ->
                shift(digit, sign(random) * (3 + random.nextInt(3)), sign(random) * (3 + random.nextInt(3)));
            case ROTATED -> rotate(scale(digit, 112, 112), sign(random) * (15 + random.nextDouble() * 10));
            case SMALL -> small(digit, random);
            case LOW_RESOLUTION -> scale(scale(digit, 10, 10), 112, 112);
            case PAPER -> paper(scale(digit, 112, 112), random);
            case JPEG -> jpeg(invert(scale(digit, 112, 112)));
        };
    }

    private static int sign(SplittableRandom random) {
        return random.nextBoolean() ? 1 : -1;
    }

    static BufferedImage gray(MnistSplit split, int n) {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        for (int p = 0; p < SIDE * SIDE; p++) {
            image.getRaster().setSample(p % SIDE, p / SIDE, 0, split.images().pixel(n, p));
        }
        return image;
    }

    private static BufferedImage scale(BufferedImage in, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(in, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** Grey-level dilation or erosion, the same operation the preprocessing's stroke-width step uses. */
    private static BufferedImage morph(BufferedImage in, int radius, boolean dilate) {
        int w = in.getWidth();
        int h = in.getHeight();
        int[][] grid = new int[h][w];
        for (int y = 0; y < h; y++) {
            in.getRaster().getPixels(0, y, w, 1, grid[y]);
        }
        int[][] out = Enhance.morph(grid, radius, dilate);
        BufferedImage result = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            result.getRaster().setPixels(0, y, w, 1, out[y]);
        }
        return result;
    }

    private static BufferedImage shift(BufferedImage in, int dx, int dy) {
        BufferedImage out = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        g.drawImage(in, dx, dy, null);
        g.dispose();
        return out;
    }

    private static BufferedImage rotate(BufferedImage in, double degrees) {
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(
                in,
                AffineTransform.getRotateInstance(Math.toRadians(degrees), in.getWidth() / 2.0, in.getHeight() / 2.0),
                null);
        g.dispose();
        return out;
    }

    private static BufferedImage small(BufferedImage digit, SplittableRandom random) {
        BufferedImage out = new BufferedImage(280, 280, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(digit, random.nextInt(280 - 20), random.nextInt(280 - 20), 20, 20, null); // 14 px of ink
        g.dispose();
        return out;
    }

    private static BufferedImage invert(BufferedImage in) {
        int w = in.getWidth();
        int h = in.getHeight();
        int[] px = in.getRaster().getPixels(0, 0, w, h, (int[]) null);
        for (int i = 0; i < px.length; i++) {
            px[i] = 255 - px[i];
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        out.getRaster().setPixels(0, 0, w, h, px);
        return out;
    }

    private static BufferedImage paper(BufferedImage ink, SplittableRandom random) {
        int w = ink.getWidth();
        int h = ink.getHeight();
        int[] px = ink.getRaster().getPixels(0, 0, w, h, (int[]) null);
        double angle = random.nextDouble() * 2 * Math.PI; // the light falls off in a random direction
        double cx = Math.cos(angle);
        double cy = Math.sin(angle);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t = ((x - w / 2.0) * cx + (y - h / 2.0) * cy) / w + 0.5; // 0..1 across the page
                double light = 0.6 + 0.4 * Math.max(0, Math.min(1, t));
                double paper = 235 - px[y * w + x] / 255.0 * 195; // ink 40, paper 235
                double v = paper * light + random.nextGaussian() * 15;
                px[y * w + x] = (int) Math.max(0, Math.min(255, Math.round(v)));
            }
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        out.getRaster().setPixels(0, 0, w, h, px);
        return out;
    }

    private static BufferedImage jpeg(BufferedImage in) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.10f);
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(in, null, null), param);
            } finally {
                writer.dispose();
            }
            return ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG in memory", e);
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
