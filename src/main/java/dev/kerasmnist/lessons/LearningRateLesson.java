package dev.kerasmnist.lessons;

import dev.kerasmnist.model.KerasActivation;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.plots.Charts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Gradient descent, {@code w <- w - eta * dS/dw}, with the learning rate eta too small, about right and too large:
 * first on the 1-D loss S(w) = (w - 3)^2 with ND4J's own SGD updater, then on a small network fitting a line.
 */
public final class LearningRateLesson implements Lesson {
    /** Too small, about right, too large for S(w) = (w - 3)^2, whose curvature 2 makes eta > 1 diverge. */
    static final double[] ETAS_1D = {0.001, 0.3, 1.05};
    /** The same three regimes for the network. */
    static final double[] ETAS_NET = {1e-4, 0.05, 1.5};

    static final int STEPS = 30;
    static final int NET_EPOCHS = 60;

    /** Loss after each step (index 0: before the first). */
    public record Curve(double eta, double[] loss) {
        public double first() {
            return loss[0];
        }

        public double last() {
            return loss[loss.length - 1];
        }
    }

    /**
     * @param stepChecks for every step of the 1-D descent: the step ND4J's updater took minus -eta * dS/dw
     *                   (largest absolute difference)
     */
    public record Result(List<Curve> oneDimensional, List<Curve> network, double stepChecks, String table, Path plot)
            implements Outcome {}

    @Override
    public String name() {
        return "learning-rate";
    }

    @Override
    public String summary() {
        return "gradient descent w <- w - eta * dS/dw with eta too small, about right, too large";
    }

    @Override
    public Result run(Path outDir, PrintStream out) throws IOException {
        List<Curve> oneD = new ArrayList<>();
        double worstStep = 0;
        for (double eta : ETAS_1D) {
            double[] loss = new double[STEPS + 1];
            INDArray w = Nd4j.scalar(DataType.DOUBLE, 0.0).reshape(1, 1);
            GradientUpdater<?> sgd = new Sgd(eta).instantiate((INDArray) null, false); // SGD keeps no state
            for (int t = 0; t <= STEPS; t++) {
                double wv = w.getDouble(0);
                loss[t] = (wv - 3) * (wv - 3);
                if (t == STEPS) {
                    break;
                }
                double dSdw = 2 * (wv - 3);
                INDArray update = Nd4j.scalar(DataType.DOUBLE, dSdw).reshape(1, 1);
                sgd.applyUpdater(update, t, 0); // ND4J turns the gradient into the step: eta * dS/dw
                w.subi(update);
                worstStep = Math.max(worstStep, Math.abs((w.getDouble(0) - wv) - (-eta * dSdw)));
            }
            oneD.add(new Curve(eta, loss));
        }

        List<Curve> net = new ArrayList<>();
        DataSet line = lineData();
        for (double eta : ETAS_NET) {
            MultiLayerNetwork model = LessonNets.mlp(
                    1, List.of(8), KerasActivation.TANH, 1, KerasActivation.LINEAR, KerasLoss.MSE, new Sgd(eta), 7);
            double[] loss = new double[NET_EPOCHS + 1];
            loss[0] = model.score(line);
            for (int e = 1; e <= NET_EPOCHS; e++) {
                model.fit(line);
                loss[e] = model.score(line);
            }
            net.add(new Curve(eta, loss));
        }

        Table table = new Table("problem", "eta", "loss at start", "loss at end", "end / start", "verdict");
        for (Curve c : oneD) {
            table.row(
                    "S(w) = (w-3)^2, " + STEPS + " steps",
                    c.eta(),
                    c.first(),
                    c.last(),
                    c.last() / c.first(),
                    verdict(c));
        }
        for (Curve c : net) {
            table.row(
                    "1-8-1 net, y = 2x - 1, " + NET_EPOCHS + " epochs",
                    c.eta(),
                    c.first(),
                    c.last(),
                    c.last() / c.first(),
                    verdict(c));
        }
        out.println("Gradient descent, w <- w - eta * dS/dw (ND4J Sgd updater):");
        out.print(table);

        XYChart left = Charts.lineChart("S(w) = (w - 3)^2, starting at w = 0", "step", "S(w) (log scale)", 640, 480);
        XYChart right = Charts.lineChart("Network fitting y = 2x - 1 (MSE)", "epoch", "loss (log scale)", 640, 480);
        for (XYChart chart : List.of(left, right)) {
            chart.getStyler().setYAxisLogarithmic(true);
        }
        for (Curve c : oneD) {
            Charts.addLine(left, "eta = " + c.eta(), index(c.loss().length), positive(c.loss()));
        }
        for (Curve c : net) {
            Charts.addCurve(right, "eta = " + c.eta(), index(c.loss().length), positive(c.loss()));
        }
        Path plot = outDir.resolve("learning-rate.png");
        Charts.savePngSideBySide(List.of(left, right), plot);
        return new Result(oneD, net, worstStep, table.toString(), plot);
    }

    static String verdict(Curve c) {
        double ratio = c.last() / c.first();
        if (!Double.isFinite(c.last()) || ratio > 1) {
            return "diverges";
        }
        return ratio > 0.5 ? "barely moves" : "converges";
    }

    /** 64 points of y = 2x - 1 on [-1, 1]. */
    static DataSet lineData() {
        float[] xs = new float[64];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -1 + 2f * i / (xs.length - 1);
        }
        INDArray x = Nd4j.create(xs, new long[] {64, 1}, DataType.FLOAT);
        return new DataSet(x, x.mul(2).sub(1));
    }

    private static double[] index(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    /** Log axes cannot show 0, NaN or infinity: clamp to a visible range. */
    private static double[] positive(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            out[i] = Double.isFinite(v) ? Math.min(Math.max(v, 1e-12), 1e12) : 1e12;
        }
        return out;
    }
}
