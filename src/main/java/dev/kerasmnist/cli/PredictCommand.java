package dev.kerasmnist.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.Prediction;
import dev.kerasmnist.model.ModelFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Predicts the digit in image files. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description = "Predict the digit in image files (PNG, JPEG, BMP, GIF), preprocessed as MNIST was made.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Image files.")
    List<Path> files;

    @Option(names = "--model", paramLabel = "FILE", description = "Saved model (default: ${DEFAULT-VALUE}).")
    Path model = ModelFiles.DEFAULT.zip();

    @Mixin
    EngineOption engine = new EngineOption();

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    /** One file's outcome: a prediction, or why there is none. */
    record Result(Path file, Prediction prediction, String error) {}

    @Override
    public Integer call() throws Exception {
        List<Result> results = run(System.out);
        return results.stream().allMatch(r -> r.error() == null) ? 0 : 1;
    }

    List<Result> run(PrintStream out) throws IOException {
        List<Result> results = new ArrayList<>();
        try (DigitClassifier classifier = DigitClassifier.load(model, engine.engine)) {
            for (Path file : files) {
                try {
                    results.add(new Result(file, classifier.predict(file), null));
                } catch (IOException e) {
                    results.add(new Result(file, null, e.getMessage()));
                }
            }
        }
        if (json) {
            out.println(toJson(results));
        } else {
            for (Result r : results) {
                if (r.error() == null) {
                    out.println(text(r));
                }
            }
        }
        for (Result r : results) {
            if (r.error() != null) {
                command.commandLine().getErr().println("error: " + r.error());
            }
        }
        command.commandLine().getErr().flush();
        return results;
    }

    private static String text(Result r) {
        Prediction p = r.prediction();
        StringBuilder sb = new StringBuilder(
                String.format(Locale.ROOT, "%s: %d (%.4f)   top 3:", r.file(), p.digit(), p.probability()));
        for (int d : p.top(3)) {
            sb.append(String.format(Locale.ROOT, " %d %.4f", d, p.probabilities()[d]));
        }
        return sb.toString();
    }

    private static String toJson(List<Result> results) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode array = mapper.createArrayNode();
        for (Result r : results) {
            ObjectNode node = array.addObject().put("file", r.file().toString());
            if (r.error() != null) {
                node.put("error", r.error());
                continue;
            }
            r.prediction().writeTo(node);
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(array);
    }
}
