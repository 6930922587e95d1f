package dev.kerasmnist.lessons;

import dev.kerasmnist.model.KerasActivation;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.plots.Charts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Choosing the output layer by the kind of problem, each on a tiny synthetic data set of 2-D points:
 * binary (sigmoid + binary cross-entropy), multi-class (softmax + categorical cross-entropy), multi-label
 * (sigmoid per class + binary cross-entropy), regression (identity + MSE); and what a wrong head does
 * (softmax on a multi-label task cannot switch two labels on at once).
 */
public final class OutputLayersLesson implements Lesson {
    static final int EXAMPLES = 400;
    static final int EPOCHS = 150;

    /**
     * One problem kind trained end to end.
     *
     * @param score        accuracy for classification (exact match for multi-label), R^2 for regression
     * @param outputMin    smallest output value
     * @param outputMax    largest output value
     * @param maxRowSumGap largest |row sum - 1| of the outputs
     * @param rowsWithTwoOn how many examples have two or more outputs above 0.5
     */
    public record Task(
            String kind,
            String head,
            String loss,
            double score,
            double outputMin,
            double outputMax,
            double maxRowSumGap,
            int rowsWithTwoOn,
            int targetRowsWithTwoOn) {}

    public record Result(List<Task> tasks, String table, Path plot) implements Outcome {
        public Task task(String kind) {
            return tasks.stream().filter(t -> t.kind().equals(kind)).findFirst().orElseThrow();
        }
    }

    @Override
    public String name() {
        return "output-layers";
    }

    @Override
    public String summary() {
        return "binary/multi-class/multi-label/regression heads, and softmax wrongly used for multi-label";
    }

    @Override
    public Result run(Path outDir, PrintStream out) throws IOException {
        Random random = new Random(11);
        float[][] points = new float[EXAMPLES][2];
        for (float[] p : points) {
            p[0] = random.nextFloat() * 2 - 1;
            p[1] = random.nextFloat() * 2 - 1;
        }
        INDArray x = Nd4j.createFromArray(points);
        List<Task> tasks = new ArrayList<>();

        // Binary: inside the circle of radius 0.6?
        INDArray inside = labels(points, p -> new float[] {p[0] * p[0] + p[1] * p[1] < 0.36 ? 1 : 0});
        tasks.add(classify("binary", x, inside, 1, KerasActivation.SIGMOID, KerasLoss.BINARY_CROSSENTROPY));

        // Multi-class: which of three sectors around the origin?
        INDArray sector = labels(points, p -> {
            double angle = Math.atan2(p[1], p[0]) + Math.PI;
            float[] oneHot = new float[3];
            oneHot[Math.min(2, (int) (angle / (2 * Math.PI / 3)))] = 1;
            return oneHot;
        });
        tasks.add(classify("multi-class", x, sector, 3, KerasActivation.SOFTMAX, KerasLoss.CATEGORICAL_CROSSENTROPY));

        // Multi-label: "right half" and "upper half", often both.
        INDArray halves = labels(points, p -> new float[] {p[0] > 0 ? 1 : 0, p[1] > 0 ? 1 : 0});
        tasks.add(classify("multi-label", x, halves, 2, KerasActivation.SIGMOID, KerasLoss.BINARY_CROSSENTROPY));
        tasks.add(classify(
                "multi-label, wrong head", x, halves, 2, KerasActivation.SOFTMAX, KerasLoss.CATEGORICAL_CROSSENTROPY));

        // Regression: y = 3 x0 - 2 x1 + 0.5, any real value.
        INDArray target = labels(points, p -> new float[] {3 * p[0] - 2 * p[1] + 0.5f});
        tasks.add(regress(x, target));

        Table table = new Table(
                "problem",
                "output layer",
                "loss",
                "score",
                "outputs in",
                "max |row sum - 1|",
                "rows with 2 on (target)");
        for (Task t : tasks) {
            table.row(
                    t.kind(),
                    t.head(),
                    t.loss(),
                    t.score(),
                    "[" + Table.format(t.outputMin()) + ", " + Table.format(t.outputMax()) + "]",
                    t.kind().startsWith("multi") ? Table.format(t.maxRowSumGap()) : "-",
                    t.kind().startsWith("multi-label")
                            ? t.rowsWithTwoOn() + " (" + t.targetRowsWithTwoOn() + ")"
                            : "-");
        }
        out.println("Output layers by problem kind (" + EXAMPLES + " 2-D points, 1 hidden layer of 16 relu, Adam):");
        out.println("score: accuracy (exact match for multi-label), R^2 for regression");
        out.print(table);

        CategoryChart chart = new CategoryChartBuilder()
                .width(800)
                .height(480)
                .title("Score by problem kind and output layer")
                .xAxisTitle("problem")
                .yAxisTitle("score")
                .build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        chart.addSeries(
                "score",
                tasks.stream().map(t -> t.kind() + "\n" + t.head()).toList(),
                tasks.stream().map(t -> (Number) t.score()).toList());
        Path plot = outDir.resolve("output-layers.png");
        Charts.savePng(chart, plot);
        return new Result(tasks, table.toString(), plot);
    }

    private static Task classify(
            String kind, INDArray x, INDArray y, int outputs, KerasActivation head, KerasLoss loss) {
        INDArray out = train(x, y, outputs, head, loss);
        INDArray predicted;
        if (head == KerasActivation.SOFTMAX && !kind.startsWith("multi-label")) {
            predicted = Nd4j.zeros(DataType.FLOAT, out.rows(), outputs);
            INDArray arg = out.argMax(1);
            for (int i = 0; i < out.rows(); i++) {
                predicted.putScalar(i, arg.getInt(i), 1);
            }
        } else {
            predicted = out.gt(0.5).castTo(DataType.FLOAT);
        }
        INDArray rowMatches = predicted.eq(y).castTo(DataType.FLOAT).min(1);
        double accuracy = rowMatches.meanNumber().doubleValue();
        return new Task(
                kind,
                head.name().toLowerCase(),
                loss.kerasName(),
                accuracy,
                out.minNumber().doubleValue(),
                out.maxNumber().doubleValue(),
                rowSumGap(out),
                countTwoOn(predicted),
                countTwoOn(y));
    }

    private static Task regress(INDArray x, INDArray y) {
        INDArray out = train(x, y, 1, KerasActivation.LINEAR, KerasLoss.MSE);
        double ssRes = out.squaredDistance(y);
        double mean = y.meanNumber().doubleValue();
        double ssTot = y.sub(mean).norm2Number().doubleValue();
        ssTot *= ssTot;
        return new Task(
                "regression",
                "identity",
                "mse",
                1 - ssRes / ssTot,
                out.minNumber().doubleValue(),
                out.maxNumber().doubleValue(),
                rowSumGap(out),
                0,
                0);
    }

    private static INDArray train(INDArray x, INDArray y, int outputs, KerasActivation head, KerasLoss loss) {
        MultiLayerNetwork net =
                LessonNets.mlp(2, List.of(16), KerasActivation.RELU, outputs, head, loss, new Adam(0.02), 9);
        DataSet data = new DataSet(x, y);
        for (int e = 0; e < EPOCHS; e++) {
            net.fit(data);
        }
        return net.output(x);
    }

    private static double rowSumGap(INDArray out) {
        return out.sum(1).sub(1).amaxNumber().doubleValue();
    }

    private static int countTwoOn(INDArray zeroOne) {
        return zeroOne.columns() < 2
                ? 0
                : zeroOne.sum(1).gte(2).castTo(DataType.INT32).sumNumber().intValue();
    }

    private interface LabelFn {
        float[] of(float[] point);
    }

    private static INDArray labels(float[][] points, LabelFn fn) {
        float[][] rows = new float[points.length][];
        for (int i = 0; i < points.length; i++) {
            rows[i] = fn.of(points[i]);
        }
        return Nd4j.createFromArray(rows);
    }
}
