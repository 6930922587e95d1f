package dev.kerasmnist.plots;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.files.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart charts with one look, saved as PNG. */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true"); // charts are files, never windows
    }

    private Charts() {}

    /** An empty line chart. */
    public static XYChart lineChart(String title, String xTitle, String yTitle, int width, int height) {
        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        look(chart.getStyler(), 5);
        return chart;
    }

    /**
     * An empty chart over named categories (a sweep's values), its series drawn over each other, not side by side.
     */
    public static CategoryChart categoryChart(String title, String xTitle, String yTitle, int width, int height) {
        CategoryChart chart = new CategoryChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        look(chart.getStyler(), 7);
        chart.getStyler().setOverlapped(true);
        return chart;
    }

    /** The one look: legend below, white background. */
    private static void look(AxesChartStyler styler, int markerSize) {
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setChartBackgroundColor(java.awt.Color.WHITE);
        styler.setMarkerSize(markerSize);
    }

    /** Adds a line with markers. */
    public static XYSeries addLine(XYChart chart, String name, double[] x, double[] y) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.CIRCLE);
        return series;
    }

    /** Adds a line without markers, for densely sampled functions. */
    public static XYSeries addCurve(XYChart chart, String name, double[] x, double[] y) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        return series;
    }

    /**
     * A heat map of a square matrix, each cell labelled with its value.
     *
     * @param values values[row][column]
     */
    public static HeatMapChart heatMap(String title, String xTitle, String yTitle, int[][] values, int size) {
        HeatMapChart chart = new HeatMapChartBuilder()
                .width(size)
                .height(size)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setRangeColors(new java.awt.Color[] {
            java.awt.Color.WHITE,
            new java.awt.Color(158, 202, 225),
            new java.awt.Color(49, 130, 189),
            new java.awt.Color(8, 48, 107)
        });
        int n = values.length;
        int[] axis = new int[n];
        for (int i = 0; i < n; i++) {
            axis[i] = i;
        }
        List<Number[]> cells = new java.util.ArrayList<>();
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < n; col++) {
                cells.add(new Number[] {col, row, values[row][col]});
            }
        }
        chart.addSeries(
                title,
                java.util.Arrays.stream(axis).boxed().toList(),
                java.util.Arrays.stream(axis).boxed().toList(),
                cells);
        return chart;
    }

    /** Renders {@code chart} to {@code file} as PNG, atomically. */
    public static void savePng(Chart<?, ?> chart, Path file) throws IOException {
        savePng(BitmapEncoder.getBufferedImage(chart), file);
    }

    /** Renders several charts next to each other into one PNG, atomically. */
    public static void savePngSideBySide(List<? extends Chart<?, ?>> charts, Path file) throws IOException {
        int width = 0;
        int height = 0;
        List<BufferedImage> images = new java.util.ArrayList<>();
        for (Chart<?, ?> chart : charts) {
            BufferedImage image = BitmapEncoder.getBufferedImage(chart);
            images.add(image);
            width += image.getWidth();
            height = Math.max(height, image.getHeight());
        }
        BufferedImage combined = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = combined.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, width, height);
        int x = 0;
        for (BufferedImage image : images) {
            g.drawImage(image, x, 0, null);
            x += image.getWidth();
        }
        g.dispose();
        savePng(combined, file);
    }

    /** Writes {@code image} to {@code file} as PNG, atomically. */
    public static void savePng(BufferedImage image, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    /** 28x28 MNIST pixels in [0, 1] as a grayscale image (white ink on black), e.g. to show or save test digits. */
    public static BufferedImage digitImage(float[] pixels) {
        int side = MnistSplit.ROWS;
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < MnistSplit.PIXELS; i++) {
            image.getRaster().setSample(i % side, i / side, 0, Math.round(pixels[i] * 255));
        }
        return image;
    }
}
