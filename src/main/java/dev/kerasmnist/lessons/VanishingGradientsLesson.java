package dev.kerasmnist.lessons;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistLocator;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.data.SyntheticDigits;
import dev.kerasmnist.model.KerasActivation;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.plots.Charts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.AxesChartStyler;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The same deep, narrow MLP (10 hidden layers of 32) with sigmoid, tanh and ReLU: per-layer gradient norms from
 * one backward pass (DL4J's gradient view), then a short training run with plain gradient descent, on MNIST when
 * it is present, else on synthetic digits. With sigmoid, whose derivative is at most 0.25, the gradient shrinks
 * layer by layer on its way back to the input.
 */
public final class VanishingGradientsLesson implements Lesson {
    static final int HIDDEN_LAYERS = 10;
    static final int WIDTH = 32;
    static final String HE_SUFFIX = " + he init";
    /**
     * All with Keras's glorot_uniform, one variable at a time; then ReLU with He initialisation (Keras
     * {@code he_normal}, DL4J {@code WeightInit.RELU}), which keeps ReLU's signal from shrinking layer by layer.
     */
    static final List<String> VARIANTS = List.of("sigmoid", "tanh", "relu", "relu" + HE_SUFFIX);

    private final Optional<Path> mnistDir;
    private final int trainExamples;
    private final int epochs;

    /** Uses MNIST if it is found where {@code train} looks for it (first 2,000 images, 2 epochs). */
    public VanishingGradientsLesson() {
        this(MnistLocator.fromEnvironment(Optional.empty()).find(), 2000, 2);
    }

    VanishingGradientsLesson(Optional<Path> mnistDir, int trainExamples, int epochs) {
        this.mnistDir = mnistDir;
        this.trainExamples = trainExamples;
        this.epochs = epochs;
    }

    /** One activation's results: gradient norm per layer (input side first) and accuracy after training. */
    public record Run(String activation, double[] gradientNorms, double accuracy) {
        /** Last hidden layer's gradient norm over the first's: how much the gradient shrank on the way back. */
        public double shrinkage() {
            return gradientNorms[gradientNorms.length - 2] / gradientNorms[0];
        }
    }

    public record Result(List<Run> runs, String data, String table, Path plot) implements Outcome {
        public Run run(String activation) {
            return runs.stream()
                    .filter(r -> r.activation().equals(activation))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Override
    public String name() {
        return "vanishing-gradients";
    }

    @Override
    public String summary() {
        return "a 10-layer MLP: sigmoid's gradients vanish towards the input, ReLU's do not";
    }

    @Override
    public Result run(Path outDir, PrintStream out) throws IOException {
        // Keras initialisation unless the variant says otherwise.
        MnistSplit train;
        MnistSplit test;
        String data;
        if (mnistDir.isPresent()) {
            Mnist mnist = Mnist.load(mnistDir.get());
            train = mnist.train().first(trainExamples);
            test = mnist.test().first(2000);
            data = "MNIST (" + train.size() + " training, " + test.size() + " test images)";
        } else {
            train = SyntheticDigits.split(trainExamples, 1);
            test = SyntheticDigits.split(1000, 2);
            data = "synthetic digits (MNIST not found)";
        }
        DataSet probe = MnistIterators.inOrder(train, 256).next();
        List<Run> runs = new ArrayList<>();
        for (String variant : VARIANTS) {
            boolean he = variant.endsWith(HE_SUFFIX);
            KerasActivation activation = KerasActivation.of(variant.replace(HE_SUFFIX, ""));
            MultiLayerNetwork net = LessonNets.mlp(
                    MnistSplit.PIXELS,
                    Collections.nCopies(HIDDEN_LAYERS, WIDTH),
                    activation,
                    MnistSplit.CLASSES,
                    KerasActivation.SOFTMAX,
                    KerasLoss.CATEGORICAL_CROSSENTROPY,
                    new Sgd(0.1),
                    42);
            if (he) {
                net = LessonNets.withHeInit(net);
            }
            double[] norms = gradientNorms(net, probe);
            DataSetIterator batches = MnistIterators.training(train, 32, 42);
            for (int e = 0; e < epochs; e++) {
                batches.reset();
                net.fit(batches);
            }
            Evaluation evaluation = net.evaluate(MnistIterators.inOrder(test, 500));
            runs.add(new Run(variant, norms, evaluation.accuracy()));
        }

        Table table = new Table(
                "activation",
                "RMS dL/dW layer 1",
                "RMS dL/dW layer 10",
                "layer 10 / layer 1",
                "accuracy after " + epochs + " epochs");
        for (Run r : runs) {
            table.row(
                    r.activation(),
                    r.gradientNorms()[0],
                    r.gradientNorms()[HIDDEN_LAYERS - 1],
                    r.shrinkage(),
                    r.accuracy());
        }
        out.println("Gradient size per layer in one backward pass (256 examples), then SGD lr 0.1 on " + data + ":");
        out.print(table);

        XYChart chart = Charts.lineChart(
                "Gradient norm per layer (one backward pass)",
                "layer (1 = next to input)",
                "RMS of dL/dW (log scale)",
                800,
                500);
        chart.getStyler().setYAxisLogarithmic(true);
        ((AxesChartStyler) chart.getStyler()).setYAxisDecimalPattern("0.##E0");
        double[] layers = new double[HIDDEN_LAYERS + 1];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = i + 1;
        }
        for (Run r : runs) {
            Charts.addLine(chart, r.activation(), layers, r.gradientNorms());
        }
        Path plot = outDir.resolve("vanishing-gradients.png");
        Charts.savePng(chart, plot);
        return new Result(runs, data, table.toString(), plot);
    }

    /**
     * Root mean square of each layer's weight gradient (the 10 hidden layers, then the output layer): the typical
     * size of one weight's gradient, comparable across layers of different sizes.
     */
    static double[] gradientNorms(MultiLayerNetwork net, DataSet batch) {
        net.setInput(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.computeGradientAndScore();
        double[] norms = new double[net.getnLayers()];
        for (int layer = 0; layer < norms.length; layer++) {
            INDArray g = net.gradient().getGradientFor(layer + "_W");
            norms[layer] = g.norm2Number().doubleValue() / Math.sqrt(g.length());
        }
        return norms;
    }
}
