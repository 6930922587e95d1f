package dev.kerasmnist.training;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * What every {@link TrainingRun} has, whatever its kind. Immutable: each method returns new settings.
 *
 * @param out            the model summary, Keras's progress bar and messages
 * @param interactiveBar whether the progress bar moves in place (a terminal) or prints a line per epoch
 * @param callbacks      the caller's, after the run's own (progress, NaN check, early stopping, checkpoints)
 * @param commandLine    recorded in the provenance
 */
public record RunSettings(PrintStream out, boolean interactiveBar, List<Callback> callbacks,
                          List<String> commandLine) {
    /** Prints nothing, not even the notice of an interrupted run (a sweep's trial): every run's default. */
    public static final RunSettings SILENT = new RunSettings(new PrintStream(OutputStream.nullOutputStream()), false,
            List.of(), List.of());

    public RunSettings {
        Objects.requireNonNull(out, "out");
        callbacks = List.copyOf(callbacks);
        commandLine = List.copyOf(commandLine);
    }

    public RunSettings output(PrintStream stream, boolean interactive) {
        return new RunSettings(stream, interactive, callbacks, commandLine);
    }

    public RunSettings callbacks(Callback... more) {
        return new RunSettings(out, interactiveBar, List.of(more), commandLine);
    }

    public RunSettings commandLine(List<String> line) {
        return new RunSettings(out, interactiveBar, callbacks, line);
    }

    /** Whether {@link #out} is {@link #SILENT}'s, so that an interrupted run's notice is not printed either. */
    boolean silent() {
        return out == SILENT.out;
    }
}
