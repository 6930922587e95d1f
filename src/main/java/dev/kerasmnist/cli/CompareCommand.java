package dev.kerasmnist.cli;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.evaluation.Comparison;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.model.ModelStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Two models on the 10,000 test images, side by side. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = "Run two saved models (trained here or imported from Keras) on the 10,000 test images: "
                + "accuracy and loss vs 98.01%%, per-class F1, agreement, and a PNG of the images only one gets right.")
final class CompareCommand implements Callable<Integer> {
    @Mixin
    DataOptions data = new DataOptions();

    @Parameters(index = "0", paramLabel = "MODEL_A", description = "A saved model.")
    Path modelA;

    @Parameters(index = "1", paramLabel = "MODEL_B", description = "Another saved model.")
    Path modelB;

    @Option(
            names = "--png",
            paramLabel = "FILE",
            description = "Where to draw the images exactly one model gets right (default: ${DEFAULT-VALUE}).")
    Path png = Path.of("target", "compare.png");

    @Override
    public Integer call() throws Exception {
        run(System.out);
        return 0;
    }

    Comparison run(PrintStream out) throws Exception {
        var a = ModelStore.loadAny(modelA);
        var b = ModelStore.loadAny(modelB);
        Mnist mnist = data.load(false, out);
        TestResult ra = Evaluator.evaluate(a, mnist.test());
        TestResult rb = Evaluator.evaluate(b, mnist.test());
        Comparison comparison = Comparison.of(
                modelA.getFileName().toString(), ra, modelB.getFileName().toString(), rb, mnist.test());
        out.println("A: " + modelA + "\nB: " + modelB);
        out.print(comparison.table());
        comparison.writeGrid(mnist.test(), png);
        out.println("Images only one model gets right: " + png.toAbsolutePath());
        return comparison;
    }
}
