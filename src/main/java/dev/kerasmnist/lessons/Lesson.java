package dev.kerasmnist.lessons;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** One of the tutorial's claims, run as an experiment. */
public interface Lesson {
    /** The name used on the command line, e.g. {@code activations}. */
    String name();

    /** One line: what the lesson shows. */
    String summary();

    /** Runs the experiment, prints its table to {@code out}, writes its plot into {@code outDir}. */
    Outcome run(Path outDir, PrintStream out) throws IOException;

    /** What every lesson leaves behind: the printed table and the plot file. */
    interface Outcome {
        String table();

        Path plot();
    }
}
