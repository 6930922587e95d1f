package dev.kerasmnist.inference;

/** The optional steps of {@link MnistPreprocessor.Step}, on grey images (0..255, ink bright). */
public final class Enhance {
    private static final int SIDE = MnistPreprocessor.SIDE;
    /** MNIST's strokes are about 1/8 of the digit's height (measured: ink area / half its perimeter). */
    static final double MNIST_STROKE_FRACTION = 0.125;

    private Enhance() {}

    /**
     * Evens out the lighting of dark ink on paper: the paper's brightness is estimated as the brightest value in
     * blocks of about 1/8 of the image (ink strokes are thinner than that), smoothed between blocks, and each pixel is
     * divided by it; the result is inverted to bright ink on black.
     */
    static int[][] inkFromPaper(int[][] gray) {
        int h = gray.length;
        int w = gray[0].length;
        int block = Math.max(4, Math.min(w, h) / 8);
        int bh = (h + block - 1) / block;
        int bw = (w + block - 1) / block;
        double[][] paper = new double[bh][bw];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                paper[y / block][x / block] = Math.max(paper[y / block][x / block], gray[y][x]);
            }
        }
        int[][] ink = new int[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // bilinear between block centres
                double fy = Math.max(0, Math.min(bh - 1, (y + 0.5) / block - 0.5));
                double fx = Math.max(0, Math.min(bw - 1, (x + 0.5) / block - 0.5));
                int y0 = (int) fy;
                int x0 = (int) fx;
                int y1 = Math.min(bh - 1, y0 + 1);
                int x1 = Math.min(bw - 1, x0 + 1);
                double ty = fy - y0;
                double tx = fx - x0;
                double background = (1 - ty) * ((1 - tx) * paper[y0][x0] + tx * paper[y0][x1])
                        + ty * ((1 - tx) * paper[y1][x0] + tx * paper[y1][x1]);
                double level = background < 1 ? 1 : gray[y][x] / background;
                ink[y][x] = (int) Math.max(0, Math.min(255, Math.round(255 * (1 - level))));
            }
        }
        return ink;
    }

    /** Whether the background is not clean black: more than 5% of the border is above 10% grey. */
    static boolean murkyBackground(int[][] ink) {
        int[] border = MnistPreprocessor.border(ink);
        int murky = 0;
        for (int v : border) {
            murky += v > 25 ? 1 : 0;
        }
        return murky > border.length / 20;
    }

    /**
     * Background to black, ink stretched to 255: Otsu's threshold splits ink from paper, then values between it and
     * the bright end (99th percentile of the ink) map linearly onto 0..255.
     */
    static int[][] removeBackground(int[][] ink) {
        int[] histogram = new int[256];
        for (int[] row : ink) {
            for (int v : row) {
                histogram[v]++;
            }
        }
        int threshold = otsu(histogram);
        int total = 0;
        for (int v = threshold + 1; v < 256; v++) {
            total += histogram[v];
        }
        if (total == 0) {
            return ink;
        }
        int bright = 255;
        for (int v = 255, seen = 0; v > threshold; v--) {
            seen += histogram[v];
            if (seen >= total / 100 + 1) {
                bright = v;
                break;
            }
        }
        double scale = 255.0 / Math.max(1, bright - threshold);
        int[][] out = new int[ink.length][ink[0].length];
        for (int y = 0; y < ink.length; y++) {
            for (int x = 0; x < ink[0].length; x++) {
                out[y][x] = (int) Math.max(0, Math.min(255, Math.round((ink[y][x] - threshold) * scale)));
            }
        }
        return out;
    }

    /** Otsu's threshold: the grey level that maximises the between-class variance of the histogram. */
    static int otsu(int[] histogram) {
        long total = 0;
        long sum = 0;
        for (int v = 0; v < 256; v++) {
            total += histogram[v];
            sum += (long) v * histogram[v];
        }
        long weightBackground = 0;
        long sumBackground = 0;
        double best = -1;
        int threshold = 0;
        for (int v = 0; v < 256; v++) {
            weightBackground += histogram[v];
            if (weightBackground == 0) {
                continue;
            }
            long weightInk = total - weightBackground;
            if (weightInk == 0) {
                break;
            }
            sumBackground += (long) v * histogram[v];
            double meanBackground = (double) sumBackground / weightBackground;
            double meanInk = (double) (sum - sumBackground) / weightInk;
            double between =
                    (double) weightBackground * weightInk * (meanBackground - meanInk) * (meanBackground - meanInk);
            if (between > best) {
                best = between;
                threshold = v;
            }
        }
        return threshold;
    }

    /**
     * Thickens or thins the strokes inside {@code box} towards MNIST's width for a digit of that size: the stroke
     * width is estimated as ink area over half its perimeter, and grey-level dilation or erosion (a square window)
     * closes most of the gap.
     */
    static int[][] normaliseStroke(int[][] ink, int[] box) {
        int area = 0;
        int perimeter = 0;
        for (int y = box[1]; y <= box[3]; y++) {
            for (int x = box[0]; x <= box[2]; x++) {
                if (ink[y][x] > 127) {
                    area++;
                    if (!inked(ink, x - 1, y)
                            || !inked(ink, x + 1, y)
                            || !inked(ink, x, y - 1)
                            || !inked(ink, x, y + 1)) {
                        perimeter++;
                    }
                }
            }
        }
        if (area == 0 || perimeter == 0) {
            return ink;
        }
        double width = 2.0 * area / perimeter;
        double target = MNIST_STROKE_FRACTION * Math.max(box[2] - box[0] + 1, box[3] - box[1] + 1);
        int radius = (int) Math.round(Math.abs(width - target) / 2);
        if (radius == 0) {
            return ink;
        }
        return morph(ink, radius, width < target);
    }

    private static boolean inked(int[][] ink, int x, int y) {
        return y >= 0 && y < ink.length && x >= 0 && x < ink[0].length && ink[y][x] > 127;
    }

    /** Grey-level dilation (max) or erosion (min) with a square window of the given radius, separably. */
    public static int[][] morph(int[][] in, int radius, boolean dilate) {
        return transpose(morphRows(transpose(morphRows(in, radius, dilate)), radius, dilate));
    }

    private static int[][] morphRows(int[][] in, int radius, boolean dilate) {
        int[][] out = new int[in.length][in[0].length];
        for (int y = 0; y < in.length; y++) {
            int[] row = in[y];
            for (int x = 0; x < row.length; x++) {
                int v = dilate ? 0 : 255;
                for (int k = Math.max(0, x - radius); k <= Math.min(row.length - 1, x + radius); k++) {
                    v = dilate ? Math.max(v, row[k]) : Math.min(v, row[k]);
                }
                out[y][x] = v;
            }
        }
        return out;
    }

    private static int[][] transpose(int[][] in) {
        int[][] out = new int[in[0].length][in.length];
        for (int y = 0; y < in.length; y++) {
            for (int x = 0; x < in[0].length; x++) {
                out[x][y] = in[y][x];
            }
        }
        return out;
    }

    /**
     * The classic MNIST deskew: shear along x by {@code -mu11 / mu02} about the centre of mass, so that the digit's
     * principal axis is vertical; bilinear along each row.
     */
    static float[] deskew(float[] image) {
        double mass = 0;
        double mx = 0;
        double my = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double v = image[y * SIDE + x];
                mass += v;
                mx += v * x;
                my += v * y;
            }
        }
        if (mass == 0) {
            return image;
        }
        mx /= mass;
        my /= mass;
        double mu11 = 0;
        double mu02 = 0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double v = image[y * SIDE + x];
                mu11 += v * (x - mx) * (y - my);
                mu02 += v * (y - my) * (y - my);
            }
        }
        if (mu02 < 1e-6) {
            return image;
        }
        double alpha = mu11 / mu02;
        float[] out = new float[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            double shift = alpha * (y - my);
            for (int x = 0; x < SIDE; x++) {
                double sx = x + shift;
                int x0 = (int) Math.floor(sx);
                double f = sx - x0;
                float a = x0 >= 0 && x0 < SIDE ? image[y * SIDE + x0] : 0f;
                float b = x0 + 1 >= 0 && x0 + 1 < SIDE ? image[y * SIDE + x0 + 1] : 0f;
                out[y * SIDE + x] = (float) ((1 - f) * a + f * b);
            }
        }
        return out;
    }
}
