package dev.kerasmnist.lessons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every claim of the tutorial that a lesson shows, asserted on the numbers the lesson computed. */
class LessonsTest {
    @TempDir
    Path out;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(printed, true);

    private void assertPlot(Lesson.Outcome outcome) throws IOException {
        assertTrue(Files.size(outcome.plot()) > 1000, "plot written: " + outcome.plot());
        assertTrue(ImageIO.read(outcome.plot().toFile()).getWidth() >= 640);
        assertTrue(printed.toString().contains(outcome.table()), "table printed");
    }

    @Test
    void activations() throws IOException {
        ActivationsLesson.Result r = new ActivationsLesson().run(out, console);
        ActivationsLesson.Curve sigmoid = r.curve("sigmoid");
        assertTrue(sigmoid.minValue() > 0 && sigmoid.maxValue() < 1, "sigmoid in (0, 1)");
        assertEquals(0.25, sigmoid.maxDerivative(), 1e-6);
        assertEquals(0.0, sigmoid.argMaxDerivative(), 0);
        assertEquals(0.25, sigmoid.derivativeAt(0), 1e-6);

        ActivationsLesson.Curve tanh = r.curve("tanh");
        assertTrue(tanh.minValue() > -1 && tanh.maxValue() < 1, "tanh in (-1, 1)");
        assertEquals(1.0, tanh.maxDerivative(), 1e-6);
        assertEquals(0.0, tanh.argMaxDerivative(), 0);

        ActivationsLesson.Curve relu = r.curve("relu");
        ActivationsLesson.Curve leaky = r.curve("leaky relu (DL4J alpha 0.01)");
        ActivationsLesson.Curve kerasLeaky = r.curve("leaky relu (Keras alpha 0.3)");
        for (double x : new double[] {-6, -3, -0.5}) {
            assertEquals(0.0, relu.valueAt(x), 0, "relu output at " + x);
            assertEquals(0.0, relu.derivativeAt(x), 0, "relu gradient at " + x);
            assertEquals(0.01, leaky.derivativeAt(x), 1e-6, "leaky relu keeps a gradient at " + x);
            assertEquals(0.3, kerasLeaky.derivativeAt(x), 1e-6);
        }
        assertEquals(1.0, relu.derivativeAt(2), 0);

        ActivationsLesson.Curve step = r.curve("step");
        assertEquals(1, step.nonZeroDerivatives(), "step's derivative is 0 everywhere but at the jump");
        assertEquals(0.0, step.derivativeAt(-3), 0);
        assertEquals(0.0, step.derivativeAt(3), 0);

        ActivationsLesson.Curve softmax = r.curve("softmax([x, 0])[0]");
        for (int i = 0; i < softmax.x().length; i += 20) {
            assertEquals(sigmoid.value()[i], softmax.value()[i], 1e-6, "softmax of [x, 0] is sigmoid(x)");
            assertEquals(sigmoid.derivative()[i], softmax.derivative()[i], 1e-6);
        }
        assertPlot(r);
    }

    @Test
    void vanishingGradients() throws IOException {
        // Synthetic digits, so the test does not depend on where MNIST is.
        VanishingGradientsLesson.Result r = new VanishingGradientsLesson(Optional.empty(), 1000, 2).run(out, console);
        double sigmoid = r.run("sigmoid").shrinkage();
        double tanh = r.run("tanh").shrinkage();
        double relu = r.run("relu").shrinkage();
        assertTrue(sigmoid > 1e4, "sigmoid: first layer's gradient orders of magnitude below the last's: " + sigmoid);
        assertTrue(relu < 3 && relu > 0.3, "relu keeps layers within a small ratio: " + relu);
        assertTrue(tanh < sigmoid / 100 && tanh < 10, "tanh in between: " + tanh);
        assertTrue(
                r.run("sigmoid").accuracy() < 0.3,
                "sigmoid barely learns: " + r.run("sigmoid").accuracy());
        assertTrue(r.run("tanh").accuracy() > r.run("sigmoid").accuracy() + 0.3, "accuracy gap");
        assertPlot(r);
    }

    @Test
    void learningRate() throws IOException {
        LearningRateLesson.Result r = new LearningRateLesson().run(out, console);
        assertEquals(0.0, r.stepChecks(), 1e-12, "every step was exactly -eta * dS/dw");
        LearningRateLesson.Curve small = r.oneDimensional().get(0);
        LearningRateLesson.Curve right = r.oneDimensional().get(1);
        LearningRateLesson.Curve large = r.oneDimensional().get(2);
        assertTrue(small.last() > 0.8 * small.first(), "too small barely moves");
        assertTrue(right.last() < 1e-6 * right.first(), "about right converges");
        assertTrue(large.last() > large.first(), "too large diverges");
        for (int t = 1; t < large.loss().length; t++) {
            assertTrue(large.loss()[t] > large.loss()[t - 1], "overshoots further every step");
        }
        assertEquals("barely moves", LearningRateLesson.verdict(r.network().get(0)));
        assertEquals("converges", LearningRateLesson.verdict(r.network().get(1)));
        assertEquals("diverges", LearningRateLesson.verdict(r.network().get(2)));
        assertPlot(r);
    }

    @Test
    void nonlinearity() throws IOException {
        NonlinearityLesson.Result r = new NonlinearityLesson().run(out, console);
        assertTrue(r.xor("linear", 1).accuracy() <= 0.75, "a linear network cannot separate XOR");
        assertTrue(r.xor("linear", 3).accuracy() <= 0.75, "nor can a deeper linear one");
        assertEquals(1.0, r.xor("tanh", 1).accuracy(), 0, "one tanh hidden layer learns XOR");

        double linear = r.sine("linear", 4).mse();
        double one = r.sine("tanh", 1).mse();
        double two = r.sine("tanh", 2).mse();
        double four = r.sine("tanh", 4).mse();
        assertTrue(linear > 0.15, "a line cannot follow sin(x): " + linear);
        assertTrue(
                one < linear && two < one && four < two, "error falls as units grow: " + one + " " + two + " " + four);
        assertTrue(four < 1e-3, "4 tanh units fit sin(x) closely: " + four);
        assertPlot(r);
    }

    @Test
    void outputLayers() throws IOException {
        OutputLayersLesson.Result r = new OutputLayersLesson().run(out, console);
        OutputLayersLesson.Task binary = r.task("binary");
        assertTrue(binary.outputMin() > 0 && binary.outputMax() < 1, "sigmoid outputs in (0, 1)");
        assertTrue(binary.score() > 0.9, "binary accuracy " + binary.score());

        OutputLayersLesson.Task multiClass = r.task("multi-class");
        assertTrue(multiClass.maxRowSumGap() < 1e-5, "softmax rows sum to 1");
        assertTrue(multiClass.score() > 0.9, "multi-class accuracy " + multiClass.score());

        OutputLayersLesson.Task multiLabel = r.task("multi-label");
        assertTrue(multiLabel.score() > 0.9, "multi-label exact-match accuracy " + multiLabel.score());
        assertTrue(multiLabel.rowsWithTwoOn() > 50, "several labels on at once: " + multiLabel.rowsWithTwoOn());

        OutputLayersLesson.Task wrong = r.task("multi-label, wrong head");
        assertEquals(0, wrong.rowsWithTwoOn(), "softmax cannot switch two labels on");
        assertTrue(wrong.score() < multiLabel.score() - 0.2, "the wrong head loses every two-label example");

        OutputLayersLesson.Task regression = r.task("regression");
        assertTrue(regression.outputMin() < -1 && regression.outputMax() > 1, "identity outputs any real value");
        assertTrue(regression.score() > 0.95, "R^2 " + regression.score());
        assertPlot(r);
    }
}
