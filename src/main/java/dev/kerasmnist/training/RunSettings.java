package dev.kerasmnist.training;

import dev.kerasmnist.failures.Remedy;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What every {@link TrainingRun} has, whatever its kind. Immutable: each method returns new settings.
 *
 * @param out            the model summary, Keras's progress bar and messages
 * @param interactiveBar whether the progress bar moves in place (a terminal) or prints a line per epoch
 * @param callbacks      the caller's, after the run's own (progress, NaN check, early stopping, checkpoints)
 * @param commandLine    recorded in the provenance
 * @param remedyWords    how an interrupted run's notice words its remedies: {@link #inJava} by default
 */
public record RunSettings(
        PrintStream out,
        boolean interactiveBar,
        List<Callback> callbacks,
        List<String> commandLine,
        Function<List<Remedy>, String> remedyWords) {
    /** Prints nothing, not even the notice of an interrupted run (a sweep's trial): every run's default. */
    public static final RunSettings SILENT = new RunSettings(
            new PrintStream(OutputStream.nullOutputStream()), false, List.of(), List.of(), RunSettings::inJava);

    /** Remedies in the library's own terms, the default; the command line words them as its flags. */
    public static String inJava(List<Remedy> remedies) {
        return remedies.stream().map(Remedy::inJava).collect(Collectors.joining(", or "));
    }

    public RunSettings {
        Objects.requireNonNull(out, "out");
        callbacks = List.copyOf(callbacks);
        commandLine = List.copyOf(commandLine);
    }

    public RunSettings output(PrintStream stream, boolean interactive) {
        return new RunSettings(stream, interactive, callbacks, commandLine, remedyWords);
    }

    public RunSettings callbacks(Callback... more) {
        return new RunSettings(out, interactiveBar, List.of(more), commandLine, remedyWords);
    }

    public RunSettings commandLine(List<String> line) {
        return new RunSettings(out, interactiveBar, callbacks, line, remedyWords);
    }

    /** How an interrupted run's notice words its remedies. */
    public RunSettings remedyWords(Function<List<Remedy>, String> words) {
        return new RunSettings(out, interactiveBar, callbacks, commandLine, words);
    }

    /** Whether {@link #out} is {@link #SILENT}'s, so that an interrupted run's notice is not printed either. */
    boolean silent() {
        return out == SILENT.out;
    }
}
