package dev.kerasmnist.inference;

import dev.kerasmnist.data.MnistSplit;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Turns real images into MNIST input the way MNIST was made: grayscale; dark ink on a light background inverted
 * to white on black; cropped to the ink; scaled (anti-aliased) so the longest side is 20 px, keeping the aspect
 * ratio; pasted into 28x28 with its centre of mass at the centre. Output is 784 floats in [0, 1], row-major.
 *
 * <p>A 28x28 image that is already white on black passes through unchanged: its pixels divided by 255, exactly as
 * the training data.
 */
public final class MnistPreprocessor {
    public static final int SIDE = MnistSplit.ROWS;
    /** MNIST digits fit a 20x20 box inside the 28x28 image. */
    static final int BOX = 20;
    /** Ink below this (0..1) is background when looking for the digit's bounding box. */
    private static final double INK_THRESHOLD = 0.2;

    private MnistPreprocessor() {}

    /**
     * Optional steps beyond how MNIST was made, for real images (measured on {@code evaluate --robustness}, see
     * README); callers pass them as an {@code EnumSet}.
     */
    public enum Step {
        /**
         * Even out the lighting of paper, then, where the background is not clean black, remove it (Otsu's
         * threshold) and stretch the ink to full contrast: uneven lighting, grey paper and noise stay out of the box.
         */
        CONTRAST,
        /** Thicken or thin strokes towards MNIST's typical width, relative to the digit's size. */
        STROKE_WIDTH,
        /** Shear the 28x28 result so that its principal axis is vertical (image moments). */
        DESKEW
    }

    /** MNIST's own procedure only. */
    public static final Set<Step> NO_STEPS = Collections.unmodifiableSet(EnumSet.noneOf(Step.class));
    /** What {@code predict}, the API and the server use: the steps that helped on the robustness suite. */
    public static final Set<Step> DEFAULT_STEPS =
            Collections.unmodifiableSet(EnumSet.of(Step.CONTRAST, Step.STROKE_WIDTH));

    /** The 784 MNIST-style pixels of {@code image}, with the {@link #DEFAULT_STEPS}. */
    public static float[] toMnist(BufferedImage image) {
        return toMnist(image, DEFAULT_STEPS);
    }

    /** The 784 MNIST-style pixels of {@code image}, with the given optional steps. */
    public static float[] toMnist(BufferedImage image, Set<Step> steps) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[][] gray = grayscale(image);
        if (w == SIDE && h == SIDE && !isDarkOnLight(gray)) {
            float[] out = new float[SIDE * SIDE];
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    out[y * SIDE + x] = gray[y][x] / 255f;
                }
            }
            return out;
        }
        boolean paper = isDarkOnLight(gray);
        int[][] ink = paper && steps.contains(Step.CONTRAST) ? Enhance.inkFromPaper(gray) : paper ? invert(gray) : gray;
        if (steps.contains(Step.CONTRAST) && Enhance.murkyBackground(ink)) { // a clean black background is left alone
            ink = Enhance.removeBackground(ink);
        }
        int[] box = inkBox(ink);
        if (box == null) {
            return new float[SIDE * SIDE]; // blank image: nothing to centre
        }
        if (steps.contains(Step.STROKE_WIDTH)) {
            ink = Enhance.normaliseStroke(ink, box);
            box = inkBox(ink);
            if (box == null) {
                return new float[SIDE * SIDE];
            }
        }
        BufferedImage digit = scaleToBox(ink, box);
        float[] mnist = centreByMass(digit);
        return steps.contains(Step.DESKEW) ? Enhance.deskew(mnist) : mnist;
    }

    /** Luminance 0..255, transparent parts composited over white. */
    public static int[][] grayscale(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[][] gray = new int[h][w];
        if (image.getRaster().getNumBands() == 1
                && !(image.getColorModel() instanceof java.awt.image.IndexColorModel)
                && image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY) {
            // Gray images: read the stored values. getRGB would gamma-convert them (linear gray to sRGB).
            int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    gray[y][x] = (int) Math.round(image.getRaster().getSample(x, y, 0) * 255.0 / max);
                }
            }
            return gray;
        }
        boolean alpha = image.getColorModel().hasAlpha();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                double lum = 0.299 * ((argb >> 16) & 0xFF) + 0.587 * ((argb >> 8) & 0xFF) + 0.114 * (argb & 0xFF);
                if (alpha) {
                    double a = ((argb >>> 24) & 0xFF) / 255.0;
                    lum = a * lum + (1 - a) * 255;
                }
                gray[y][x] = (int) Math.round(lum);
            }
        }
        return gray;
    }

    /** The border is mostly light: the digit is dark ink on paper. */
    public static boolean isDarkOnLight(int[][] gray) {
        int[] border = border(gray);
        long sum = 0;
        for (int v : border) {
            sum += v;
        }
        return sum > 127L * border.length;
    }

    /** The pixels on the image's edge, each once. */
    static int[] border(int[][] gray) {
        int h = gray.length;
        int w = gray[0].length;
        int[] border = new int[h == 1 ? w : 2 * w + 2 * Math.max(0, h - 2)];
        int i = 0;
        for (int x = 0; x < w; x++) {
            border[i++] = gray[0][x];
            if (h > 1) {
                border[i++] = gray[h - 1][x];
            }
        }
        for (int y = 1; y < h - 1; y++) {
            border[i++] = gray[y][0];
            border[i++] = gray[y][w - 1];
        }
        return java.util.Arrays.copyOf(border, i);
    }

    private static int[][] invert(int[][] gray) {
        int[][] out = new int[gray.length][gray[0].length];
        for (int y = 0; y < gray.length; y++) {
            for (int x = 0; x < gray[0].length; x++) {
                out[y][x] = 255 - gray[y][x];
            }
        }
        return out;
    }

    /** {minX, minY, maxX, maxY} of the ink, or null when there is none. */
    private static int[] inkBox(int[][] ink) {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        int threshold = (int) Math.round(INK_THRESHOLD * 255);
        for (int y = 0; y < ink.length; y++) {
            for (int x = 0; x < ink[0].length; x++) {
                if (ink[y][x] > threshold) {
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        return maxX < 0 ? null : new int[] {minX, minY, maxX, maxY};
    }

    /** The ink inside {@code box}, anti-aliased to fit 20x20 with its aspect ratio. */
    private static BufferedImage scaleToBox(int[][] ink, int[] box) {
        int cw = box[2] - box[0] + 1;
        int ch = box[3] - box[1] + 1;
        BufferedImage crop = new BufferedImage(cw, ch, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                crop.getRaster().setSample(x, y, 0, ink[box[1] + y][box[0] + x]);
            }
        }
        double scale = (double) BOX / Math.max(cw, ch);
        int sw = Math.max(1, (int) Math.round(cw * scale));
        int sh = Math.max(1, (int) Math.round(ch * scale));
        Image scaled = crop.getScaledInstance(sw, sh, Image.SCALE_AREA_AVERAGING);
        BufferedImage out = new BufferedImage(sw, sh, BufferedImage.TYPE_BYTE_GRAY);
        out.getGraphics().drawImage(scaled, 0, 0, null);
        return out;
    }

    /** Pastes {@code digit} into 28x28 so that its centre of mass lands on the centre. */
    private static float[] centreByMass(BufferedImage digit) {
        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int y = 0; y < digit.getHeight(); y++) {
            for (int x = 0; x < digit.getWidth(); x++) {
                int v = digit.getRaster().getSample(x, y, 0);
                mass += v;
                mx += v * (x + 0.5);
                my += v * (y + 0.5);
            }
        }
        int offX = (int) Math.round(SIDE / 2.0 - mx / mass);
        int offY = (int) Math.round(SIDE / 2.0 - my / mass);
        float[] out = new float[SIDE * SIDE];
        for (int y = 0; y < digit.getHeight(); y++) {
            for (int x = 0; x < digit.getWidth(); x++) {
                int tx = x + offX;
                int ty = y + offY;
                if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) {
                    out[ty * SIDE + tx] = digit.getRaster().getSample(x, y, 0) / 255f;
                }
            }
        }
        return out;
    }
}
