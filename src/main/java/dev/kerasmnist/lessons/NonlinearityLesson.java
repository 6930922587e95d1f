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
import org.nd4j.linalg.learning.config.Adam;

/**
 * Without a nonlinear activation a network stays linear however deep it is: identity hidden layers cannot learn XOR,
 * one tanh hidden layer can. And the universal approximation theorem at work: one hidden layer fits sin(x) on
 * [-pi, pi], better as it gets more units.
 */
public final class NonlinearityLesson implements Lesson {
    static final int XOR_EPOCHS = 300;
    static final int SINE_EPOCHS = 600;
    static final int[] SINE_UNITS = {1, 2, 4};

    /** XOR accuracy (over its 4 points) of a network with the given hidden activation and depth. */
    public record XorRun(String hidden, int depth, double accuracy) {}

    /** Mean squared error fitting sin(x), by hidden units (0 = a purely linear network). */
    public record SineRun(String hidden, int units, double mse, double[] x, double[] fit) {}

    public record Result(List<XorRun> xor, List<SineRun> sine, String table, Path plot) implements Outcome {
        public XorRun xor(String hidden, int depth) {
            return xor.stream()
                    .filter(r -> r.hidden().equals(hidden) && r.depth() == depth)
                    .findFirst()
                    .orElseThrow();
        }

        public SineRun sine(String hidden, int units) {
            return sine.stream()
                    .filter(r -> r.hidden().equals(hidden) && r.units() == units)
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Override
    public String name() {
        return "nonlinearity";
    }

    @Override
    public String summary() {
        return "linear layers cannot learn XOR at any depth; one nonlinear hidden layer fits XOR and sin(x)";
    }

    @Override
    public Result run(Path outDir, PrintStream out) throws IOException {
        DataSet xor = new DataSet(
                Nd4j.createFromArray(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}),
                Nd4j.createFromArray(new float[][] {{0}, {1}, {1}, {0}}));
        List<XorRun> xorRuns = new ArrayList<>();
        for (int depth : new int[] {1, 3}) {
            xorRuns.add(new XorRun("linear", depth, xorAccuracy(xor, KerasActivation.LINEAR, depth)));
        }
        xorRuns.add(new XorRun("tanh", 1, xorAccuracy(xor, KerasActivation.TANH, 1)));

        DataSet sine = sineData();
        List<SineRun> sineRuns = new ArrayList<>();
        sineRuns.add(fitSine(sine, KerasActivation.LINEAR, 4));
        for (int units : SINE_UNITS) {
            sineRuns.add(fitSine(sine, KerasActivation.TANH, units));
        }

        Table table = new Table("task", "hidden layers", "result");
        for (XorRun r : xorRuns) {
            table.row("XOR (4 points)", r.depth() + " x 8 " + r.hidden(), String.format("accuracy %.2f", r.accuracy()));
        }
        for (SineRun r : sineRuns) {
            table.row("sin(x) on [-pi, pi]", "1 x " + r.units() + " " + r.hidden(), "MSE " + Table.format(r.mse()));
        }
        out.println("Linear vs nonlinear networks (DL4J, Adam lr 0.05, full batch):");
        out.print(table);

        XYChart chart = Charts.lineChart("Fitting sin(x) with one hidden layer", "x", "y", 800, 500);
        SineRun reference = sineRuns.get(0);
        Charts.addCurve(
                chart,
                "sin(x)",
                reference.x(),
                java.util.Arrays.stream(reference.x()).map(Math::sin).toArray());
        for (SineRun r : sineRuns) {
            Charts.addCurve(
                    chart, r.units() + " " + r.hidden() + " units (MSE " + Table.format(r.mse()) + ")", r.x(), r.fit());
        }
        Path plot = outDir.resolve("nonlinearity.png");
        Charts.savePng(chart, plot);
        return new Result(xorRuns, sineRuns, table.toString(), plot);
    }

    private static double xorAccuracy(DataSet xor, KerasActivation hidden, int depth) {
        List<Integer> layers = java.util.Collections.nCopies(depth, 8);
        MultiLayerNetwork net = LessonNets.mlp(
                2, layers, hidden, 1, KerasActivation.SIGMOID, KerasLoss.BINARY_CROSSENTROPY, new Adam(0.05), 3);
        for (int e = 0; e < XOR_EPOCHS; e++) {
            net.fit(xor);
        }
        INDArray predicted = net.output(xor.getFeatures()).gt(0.5).castTo(DataType.FLOAT);
        return predicted.eq(xor.getLabels()).castTo(DataType.FLOAT).meanNumber().doubleValue();
    }

    private static SineRun fitSine(DataSet sine, KerasActivation hidden, int units) {
        MultiLayerNetwork net =
                LessonNets.mlp(1, List.of(units), hidden, 1, KerasActivation.LINEAR, KerasLoss.MSE, new Adam(0.05), 5);
        for (int e = 0; e < SINE_EPOCHS; e++) {
            net.fit(sine);
        }
        INDArray fit = net.output(sine.getFeatures());
        double mse = fit.squaredDistance(sine.getLabels()) / sine.numExamples();
        return new SineRun(hidden.kerasName(), units, mse, sine.getFeatures().toDoubleVector(), fit.toDoubleVector());
    }

    /** 100 points of sin(x) on [-pi, pi]. */
    static DataSet sineData() {
        int n = 100;
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (-Math.PI + 2 * Math.PI * i / (n - 1));
            y[i] = (float) Math.sin(x[i]);
        }
        return new DataSet(
                Nd4j.create(x, new long[] {n, 1}, DataType.FLOAT), Nd4j.create(y, new long[] {n, 1}, DataType.FLOAT));
    }
}
