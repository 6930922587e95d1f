package dev.kerasmnist.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The optional preprocessing steps on their own (the robustness suite measures them on pictures). */
class EnhanceTest {
    @Test
    void otsuSplitsTwoModes() {
        int[] histogram = new int[256];
        histogram[30] = 500;
        histogram[200] = 100;
        int t = Enhance.otsu(histogram);
        assertTrue(t >= 30 && t < 200, "threshold " + t);
    }

    @Test
    void strokeWidthThinsThickAndThickensThinStrokes() {
        int[][] thick = new int[40][40];
        int[][] thin = new int[40][40];
        for (int y = 5; y < 35; y++) {
            for (int x = 14; x < 26; x++) {
                thick[y][x] = 255; // a bar 12 wide, 30 tall: far thicker than 1/8 of its height
            }
            thin[y][20] = 255; // 1 wide
        }
        assertTrue(ink(Enhance.normaliseStroke(thick, new int[] {14, 5, 25, 34})) < ink(thick));
        assertTrue(ink(Enhance.normaliseStroke(thin, new int[] {20, 5, 20, 34})) > ink(thin));
    }

    private static long ink(int[][] image) {
        long n = 0;
        for (int[] row : image) {
            for (int v : row) {
                n += v > 127 ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void deskewStraightensASlantedStroke() {
        float[] slanted = new float[784];
        for (int y = 4; y < 24; y++) {
            slanted[y * 28 + 8 + (y - 4) * 12 / 20] = 1f; // leans right by 12 px over 20 rows
        }
        float[] straight = Enhance.deskew(slanted);
        assertTrue(spread(straight) < spread(slanted) / 3, spread(slanted) + " -> " + spread(straight));
    }

    /** How far the ink's column wanders between the top and bottom rows. */
    private static double spread(float[] image) {
        double top = column(image, 5);
        double bottom = column(image, 22);
        return Math.abs(bottom - top);
    }

    private static double column(float[] image, int y) {
        double mass = 0;
        double mx = 0;
        for (int x = 0; x < 28; x++) {
            mass += image[y * 28 + x];
            mx += image[y * 28 + x] * x;
        }
        return mx / mass;
    }
}
