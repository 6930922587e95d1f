package dev.kerasmnist.cli;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.evaluation.EvaluationReport;
import dev.kerasmnist.evaluation.Evaluator;
import dev.kerasmnist.evaluation.TestResult;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.ImageEvaluation;
import dev.kerasmnist.inference.LabelledImages;
import dev.kerasmnist.inference.MnistPreprocessor;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelLoadException;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.plots.Charts;
import dev.kerasmnist.robustness.Distortion;
import dev.kerasmnist.robustness.Robustness;
import dev.kerasmnist.training.History;
import dev.kerasmnist.training.Recipe;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Evaluates a saved model on MNIST's test set against the tutorial's accuracy, or on the user's own pictures. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Evaluate a saved model on the 10,000 test images and compare with the tutorial's 98.01%%, "
                + "or on your own labelled pictures (--images).")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--model", paramLabel = "FILE", description = "Saved model (default: ${DEFAULT-VALUE}).")
    Path model = ModelFiles.DEFAULT.zip();

    @Option(
            names = "--min-accuracy",
            paramLabel = "A",
            description = "Exit with status 1 when test accuracy (or with --images, accuracy on the pictures) is "
                    + "below A (0..1), e.g. 0.98.")
    Double minAccuracy;

    @Option(
            names = "--images",
            paramLabel = "DIR",
            description = "Score your own pictures instead, through "
                    + "predict's preprocessing: DIR/0/*.png ... DIR/9/*.png (class folders, as Keras's "
                    + "image_dataset_from_directory reads them), or files listed in DIR/labels.csv as file,label rows.")
    Path images;

    @Option(
            names = "--labels",
            paramLabel = "FILE",
            description = "With --images: the CSV of file,label rows "
                    + "(files relative to DIR), instead of DIR/labels.csv or class folders.")
    Path labels;

    @Option(
            names = "--report",
            paramLabel = "DIR",
            description = "Also write PNG pictures (confusion heat map, misclassified digits, training curves) and an "
                    + "index.html into DIR.")
    Path reportDir;

    @Option(
            names = "--robustness",
            description =
                    "Run the robustness suite instead: the test digits as real "
                            + "pictures (thicker, thinner, shifted, rotated, small, blurry, on paper, JPEG) through predict's "
                            + "preprocessing; a table per model (--model, or every recipe's model in models/) and --png examples.")
    boolean robustness;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "With --robustness: the first N test digits (default: all 10,000).")
    int limit = Integer.MAX_VALUE;

    @Option(
            names = "--png",
            paramLabel = "FILE",
            description = "With --robustness: the examples picture (default: ${DEFAULT-VALUE}).")
    Path png = Path.of("target", "robustness.png");

    @Option(
            names = "--compare-preprocessing",
            description = "With --robustness: also score each optional "
                    + "preprocessing step (contrast, stroke width, deskew) against MNIST's procedure alone.")
    boolean comparePreprocessing;

    record Report(TestResult test, boolean passed, List<Path> reportFiles) {}

    @Override
    public Integer call() throws Exception {
        return run(System.out).passed() ? 0 : 1;
    }

    Report run(PrintStream out) throws Exception {
        if (minAccuracy != null && !(minAccuracy >= 0 && minAccuracy <= 1)) {
            throw new ParameterException(
                    command.commandLine(),
                    "invalid option: --min-accuracy must be between 0 and 1, got " + minAccuracy);
        }
        if (labels != null && images == null) {
            throw new ParameterException(command.commandLine(), "invalid option: --labels needs --images DIR");
        }
        if (images != null && (robustness || reportDir != null)) {
            throw new ParameterException(
                    command.commandLine(),
                    "invalid option: --images cannot be combined with " + (robustness ? "--robustness" : "--report"));
        }
        if (images != null) {
            return images(out);
        }
        if (reportDir != null) {
            Outputs.requireWritable(reportDir, "--report");
        }
        if (robustness) {
            Outputs.requireWritable(Outputs.folderOf(png), "--png");
            robustness(out);
            return new Report(null, true, List.of(png));
        }
        var net = ModelStore.loadAny(model);
        printTrainedOn(out);
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
            out.println("Report written to "
                    + reportDir.resolve(EvaluationReport.INDEX_HTML).toAbsolutePath());
        }
        boolean passed = minAccuracy == null || test.accuracy() >= minAccuracy;
        if (!passed) {
            out.printf(
                    Locale.ROOT,
                    "FAILED: test accuracy %.4f is below --min-accuracy %.4f%n",
                    test.accuracy(),
                    minAccuracy);
        }
        return new Report(test, passed, files);
    }

    /** The model scored on the user's labelled pictures. */
    private Report images(PrintStream out) throws Exception {
        LabelledImages labelled = LabelledImages.read(images, Optional.ofNullable(labels));
        DigitClassifier classifier = DigitClassifier.load(model);
        printTrainedOn(out);
        ImageEvaluation result = ImageEvaluation.run(classifier, labelled);
        out.printf(
                Locale.ROOT,
                "%d images in %s (labels from %s)%n",
                result.count(),
                images,
                result.images().labelsFrom());
        out.printf(Locale.ROOT, "accuracy: %.4f (%d of %d)%n%n", result.accuracy(), result.correct(), result.count());
        out.println("digit  recall  images");
        result.recallByDigit()
                .forEach((digit, recall) ->
                        out.printf(Locale.ROOT, "%5d  %6.4f  %6d%n", digit, recall, result.support(digit)));
        List<ImageEvaluation.Confusion> confusions = result.topConfusions(5);
        if (confusions.isEmpty()) {
            out.println("\nNo confusions: every image was predicted right.");
        } else {
            out.println("\nTop confusions (true -> predicted: images):");
            confusions.forEach(c -> out.printf("  %d -> %d: %d%n", c.actual(), c.predicted(), c.count()));
        }
        boolean passed = minAccuracy == null || result.accuracy() >= minAccuracy;
        if (!passed) {
            out.printf(
                    Locale.ROOT,
                    "FAILED: accuracy %.4f on the images is below --min-accuracy %.4f%n",
                    result.accuracy(),
                    minAccuracy);
        }
        return new Report(null, passed, List.of());
    }

    /** One line on the machine that trained the model, when its provenance says. */
    private void printTrainedOn(PrintStream out) {
        ModelFiles files = new ModelFiles(model);
        if (!Files.isRegularFile(files.provenance())) {
            return;
        }
        try {
            ModelStore.readProvenance(files).build().machine().ifPresent(m -> out.println("Trained on " + m.summary()));
        } catch (ModelLoadException e) {
            // scoring needs only the zip; a damaged record is reported where it is needed (resume, export)
        }
    }

    private void robustness(PrintStream out) throws Exception {
        Map<String, DigitClassifier> models = new LinkedHashMap<>();
        if (command.commandLine().getParseResult().hasMatchedOption("--model")) {
            models.put(model.getFileName().toString(), DigitClassifier.load(model));
        } else {
            for (Recipe recipe : Recipe.values()) {
                if (Files.isRegularFile(recipe.defaultModel())) {
                    models.put(recipe.cliName(), DigitClassifier.load(recipe.defaultModel()));
                }
            }
            if (models.isEmpty()) {
                throw new IllegalStateException("no model to test: train one with `keras-mnist train [--recipe "
                        + "NAME]`, or name one with --model");
            }
        }
        if (limit < 1) {
            throw new ParameterException(command.commandLine(), "invalid option: --limit must be at least 1");
        }
        Mnist mnist = data.load(false, out);
        Set<MnistPreprocessor.Step> chosen = MnistPreprocessor.DEFAULT_STEPS;
        Robustness.Result result = Robustness.run(models, mnist.test(), limit, chosen);
        out.printf(
                "Accuracy on %d test digits per picture, through predict's preprocessing (MNIST's procedure "
                        + "with contrast and stroke-width normalisation):%n%n",
                result.images());
        out.println(result.table());
        Files.createDirectories(png.toAbsolutePath().getParent());
        Charts.savePng(Robustness.examples(mnist.test(), 8, chosen), png);
        out.println("Examples: " + png.toAbsolutePath());
        if (comparePreprocessing) {
            Map<String, Set<MnistPreprocessor.Step>> variants = new LinkedHashMap<>();
            variants.put("MNIST's procedure", MnistPreprocessor.NO_STEPS);
            variants.put("+ contrast", EnumSet.of(MnistPreprocessor.Step.CONTRAST));
            variants.put("+ stroke width", EnumSet.of(MnistPreprocessor.Step.STROKE_WIDTH));
            variants.put("+ deskew", EnumSet.of(MnistPreprocessor.Step.DESKEW));
            variants.put("default: contrast + stroke width", MnistPreprocessor.DEFAULT_STEPS);
            Map<String, Robustness.Result> results = new LinkedHashMap<>();
            variants.forEach(
                    (name, options) -> results.put(name, Robustness.run(models, mnist.test(), limit, options)));
            for (int m = 0; m < result.models().size(); m++) {
                out.printf(
                        "%n%s, each preprocessing step on its own (%d digits):%n%n| picture |",
                        result.models().get(m), result.images());
                variants.keySet().forEach(v -> out.print(" " + v + " |"));
                out.println("\n|---|" + "---|".repeat(variants.size()));
                for (Distortion d : Distortion.values()) {
                    out.print("| " + d.label() + " |");
                    for (Robustness.Result r : results.values()) {
                        out.printf(Locale.ROOT, " %.2f%% |", r.accuracy().get(d)[m] * 100);
                    }
                    out.println();
                }
            }
        }
    }
}
