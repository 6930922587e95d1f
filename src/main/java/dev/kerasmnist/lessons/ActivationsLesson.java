package dev.kerasmnist.lessons;

import dev.kerasmnist.plots.Charts;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Activation functions and their derivatives over [-6, 6], computed by ND4J's activation functions and their
 * {@code backprop}: why sigmoid's derivative (at most 0.25) shrinks gradients, why ReLU's does not, and why the
 * step function cannot be trained by gradient descent at all.
 */
public final class ActivationsLesson implements Lesson {
    /** Points on [-6, 6], 0.05 apart; x = 0 is sampled exactly. */
    static final int POINTS = 241;

    /** One function sampled with its derivative. */
    public record Curve(String name, double[] x, double[] value, double[] derivative) {
        public double minValue() {
            return java.util.Arrays.stream(value).min().orElseThrow();
        }

        public double maxValue() {
            return java.util.Arrays.stream(value).max().orElseThrow();
        }

        public double maxDerivative() {
            return java.util.Arrays.stream(derivative).max().orElseThrow();
        }

        /** x where the derivative is largest. */
        public double argMaxDerivative() {
            int best = 0;
            for (int i = 1; i < derivative.length; i++) {
                if (derivative[i] > derivative[best]) {
                    best = i;
                }
            }
            return x[best];
        }

        /** How many sampled points have a non-zero derivative. */
        public long nonZeroDerivatives() {
            return java.util.Arrays.stream(derivative).filter(d -> d != 0).count();
        }

        public double derivativeAt(double at) {
            for (int i = 0; i < x.length; i++) {
                if (x[i] == at) {
                    return derivative[i];
                }
            }
            throw new IllegalArgumentException("x = " + at + " is not sampled");
        }

        public double valueAt(double at) {
            for (int i = 0; i < x.length; i++) {
                if (x[i] == at) {
                    return value[i];
                }
            }
            throw new IllegalArgumentException("x = " + at + " is not sampled");
        }
    }

    /** The curves by name: step, sigmoid, tanh, relu, leaky relu (DL4J alpha 0.01), leaky relu (Keras 0.3), softmax. */
    public record Result(List<Curve> curves, String table, Path plot) implements Outcome {
        public Curve curve(String name) {
            return curves.stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Override
    public String name() {
        return "activations";
    }

    @Override
    public String summary() {
        return "step, sigmoid, tanh, ReLU, Leaky ReLU, softmax and their derivatives (sigmoid's is at most 0.25)";
    }

    @Override
    public Result run(Path outDir, PrintStream out) throws IOException {
        double[] x = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            x[i] = (i - (POINTS - 1) / 2) / 20.0;
        }
        List<Curve> curves = new ArrayList<>();
        curves.add(step(x));
        curves.add(elementwise("sigmoid", Activation.SIGMOID.getActivationFunction(), x));
        curves.add(elementwise("tanh", Activation.TANH.getActivationFunction(), x));
        curves.add(elementwise("relu", Activation.RELU.getActivationFunction(), x));
        curves.add(elementwise("leaky relu (DL4J alpha 0.01)", new ActivationLReLU(), x));
        curves.add(elementwise("leaky relu (Keras alpha 0.3)", new ActivationLReLU(0.3), x));
        curves.add(softmax(x));

        Table table = new Table("function", "min f", "max f", "max f'", "at x", "f'(-3)", "points with f' != 0");
        for (Curve c : curves) {
            table.row(
                    c.name(),
                    c.minValue(),
                    c.maxValue(),
                    c.maxDerivative(),
                    c.argMaxDerivative(),
                    c.derivativeAt(-3),
                    c.nonZeroDerivatives() + "/" + POINTS);
        }
        out.println("Activation functions on [-6, 6] (ND4J getActivation / backprop):");
        out.print(table);

        XYChart values = Charts.lineChart("Activation functions f(x)", "x", "f(x)", 640, 480);
        XYChart derivatives = Charts.lineChart("Derivatives f'(x) (ND4J backprop)", "x", "f'(x)", 640, 480);
        for (Curve c : curves) {
            if (c.name().startsWith("leaky relu (DL4J")) {
                continue; // indistinguishable from ReLU at this scale; the table has its numbers
            }
            Charts.addCurve(values, c.name(), c.x(), c.value());
            Charts.addCurve(derivatives, c.name(), c.x(), clip(c.derivative(), 1.5));
        }
        Path plot = outDir.resolve("activations.png");
        Charts.savePngSideBySide(List.of(values, derivatives), plot);
        return new Result(curves, table.toString(), plot);
    }

    private static Curve elementwise(String name, IActivation fn, double[] x) {
        INDArray in = Nd4j.createFromArray(x).castTo(DataType.FLOAT).reshape(x.length, 1);
        INDArray value = fn.getActivation(in.dup(), false);
        INDArray derivative = fn.backprop(in.dup(), Nd4j.onesLike(in)).getFirst(); // dL/dz with dL/da = 1
        return new Curve(name, x, value.toDoubleVector(), derivative.toDoubleVector());
    }

    /**
     * ND4J's step op has no backprop: its derivative is the slope of the op itself between neighbouring inputs
     * 0.001 apart, which is 0 everywhere except across the jump at 0.
     */
    private static Curve step(double[] x) {
        INDArray in = Nd4j.createFromArray(x);
        double h = 1e-3;
        INDArray value = Transforms.step(in);
        INDArray slope =
                Transforms.step(in.add(h)).sub(Transforms.step(in.sub(h))).div(2 * h);
        return new Curve("step", x, value.toDoubleVector(), slope.toDoubleVector());
    }

    /** Softmax over the two logits [x, 0]: its first output and d(output)/dx, through ND4J's softmax backprop. */
    private static Curve softmax(double[] x) {
        INDArray logits = Nd4j.zeros(DataType.FLOAT, x.length, 2);
        logits.getColumn(0).assign(Nd4j.createFromArray(x).castTo(DataType.FLOAT));
        IActivation fn = Activation.SOFTMAX.getActivationFunction();
        INDArray p = fn.getActivation(logits.dup(), false);
        INDArray eps = Nd4j.zeros(DataType.FLOAT, x.length, 2);
        eps.getColumn(0).assign(1);
        INDArray grad = fn.backprop(logits.dup(), eps).getFirst();
        return new Curve(
                "softmax([x, 0])[0]",
                x,
                p.getColumn(0).toDoubleVector(),
                grad.getColumn(0).toDoubleVector());
    }

    /** The step's spike (500) would flatten every other curve. */
    private static double[] clip(double[] values, double max) {
        double[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(out[i], max);
        }
        return out;
    }
}
