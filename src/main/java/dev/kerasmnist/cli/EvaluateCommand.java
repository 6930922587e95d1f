package dev.kerasmnist.cli;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.evaluation.EvaluationReport;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.training.History;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Evaluates a saved model on MNIST's test set against the tutorial's accuracy. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model on the 10,000 test images and compare with the tutorial's 98.01%.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--model", paramLabel = "FILE", description = "Saved model (default: ${DEFAULT-VALUE}).")
    Path model = ModelFiles.DEFAULT.zip();

    @Option(names = "--min-accuracy", paramLabel = "A",
            description = "Exit with status 1 when test accuracy is below A (0..1), e.g. 0.98.")
    Double minAccuracy;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Also write PNG pictures (confusion heat map, misclassified digits, training curves) and an "
                    + "index.html into DIR.")
    Path reportDir;

    record Report(TestResult test, boolean passed, List<Path> reportFiles) {
    }

    @Override
    public Integer call() throws Exception {
        return run(System.out).passed() ? 0 : 1;
    }

    Report run(PrintStream out) throws Exception {
        if (minAccuracy != null && !(minAccuracy >= 0 && minAccuracy <= 1)) {
            throw new ParameterException(command.commandLine(),
                    "invalid option: --min-accuracy must be between 0 and 1, got " + minAccuracy);
        }
        MultiLayerNetwork net = ModelStore.load(model);
        Mnist mnist = data.load(false, out);
        TestResult test = Evaluator.evaluate(net, mnist.test());
        out.println(test.perClassTable());
        out.println(test.evaluation().confusionMatrix());
        out.printf(Locale.ROOT, "test_loss: %.4f%n", test.loss());
        out.println(test.comparisonLine());
        List<Path> files = List.of();
        if (reportDir != null) {
            Path historyFile = new ModelFiles(model).history();
            Optional<History> history = Optional.empty();
            if (Files.isRegularFile(historyFile)) {
                try {
                    history = Optional.of(History.fromCsv(Files.readString(historyFile)));
                } catch (IllegalArgumentException e) {
                    out.println("warning: " + historyFile + " is damaged (" + e.getMessage()
                            + "); the report has no training curves");
                }
            }
            files = EvaluationReport.write(reportDir, test, mnist.test(), history);
            out.println("Report written to " + reportDir.resolve(EvaluationReport.INDEX_HTML).toAbsolutePath());
        }
        boolean passed = minAccuracy == null || test.accuracy() >= minAccuracy;
        if (!passed) {
            out.printf(Locale.ROOT, "FAILED: test accuracy %.4f is below --min-accuracy %.4f%n", test.accuracy(),
                    minAccuracy);
        }
        return new Report(test, passed, files);
    }
}
