package dev.kerasmnist.keras;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.Networks;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whether an imported model looks trained on raw 0..255 pixels, which no file records: fed MNIST-like strokes as
 * pixels / 255, such a model sees inputs 255 times too small, so its outputs barely change from one image to the
 * next; fed them ×255 they differ as a classifier's do. A model trained on pixels / 255 tells its images apart at
 * scale 1. Only a suspicion, reported, never acted on.
 */
final class RawPixels {
    /** At scale 1 the outputs vary less than this share of their variation at ×255: the model wants raw pixels. */
    static final double RATIO = 0.1;

    private RawPixels() {}

    /** How much the model's outputs vary over the strokes, at scale 1 and at ×255. */
    record Spread(double atOne, double at255) {
        boolean suspicious() {
            return atOne < RATIO * at255;
        }
    }

    static Spread spread(Model net) {
        INDArray x = strokes();
        return new Spread(spread(Networks.output(net, x)), spread(Networks.output(net, x.mul(255))));
    }

    /** The mean distance (L1) of each image's output from the mean output. */
    private static double spread(INDArray out) {
        INDArray mean = out.mean(0);
        return out.subRowVector(mean).norm1Number().doubleValue() / out.rows();
    }

    /** Eight digit-like white strokes on black, 28×28, drawn as MNIST's are (centred, 2-3 pixels wide, smoothed). */
    static INDArray strokes() {
        List<Shape> shapes = List.of(
                new Ellipse2D.Double(9, 5, 10, 18),
                line(14, 4, 14, 24),
                line(8, 6, 20, 6, 11, 24),
                line(18, 4, 8, 17, 21, 17, 18, 4, 18, 24),
                line(8, 8, 14, 5, 20, 9, 9, 23, 21, 23),
                line(19, 5, 10, 5, 9, 13, 18, 14, 18, 22, 8, 23),
                line(18, 5, 10, 14, 10, 22, 18, 22, 18, 15, 10, 15),
                new Ellipse2D.Double(10, 4, 8, 9));
        float[] pixels = new float[shapes.size() * MnistSplit.PIXELS];
        for (int n = 0; n < shapes.size(); n++) {
            BufferedImage image = new BufferedImage(MnistSplit.COLS, MnistSplit.ROWS, BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(shapes.get(n));
            g.dispose();
            for (int p = 0; p < MnistSplit.PIXELS; p++) {
                pixels[n * MnistSplit.PIXELS + p] =
                        image.getRaster().getSample(p % MnistSplit.COLS, p / MnistSplit.COLS, 0) / 255f;
            }
        }
        return Nd4j.create(pixels, new long[] {shapes.size(), MnistSplit.PIXELS}, 'c');
    }

    private static Shape line(double... xy) {
        Path2D.Double path = new Path2D.Double();
        path.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            path.lineTo(xy[i], xy[i + 1]);
        }
        return path;
    }
}
