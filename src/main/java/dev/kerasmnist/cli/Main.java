package dev.kerasmnist.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code keras-mnist}: the tutorial's MNIST model on DL4J. */
@Command(name = "keras-mnist", mixinStandardHelpOptions = true, version = "keras-mnist 0.1.0 (DL4J 1.0.0-M2.1)",
        description = "The Keras MNIST tutorial (Dense 512 relu -> Dense 10 softmax, RMSprop) on Deeplearning4j.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, LessonsCommand.class,
                FetchDataCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code: 0 success, 1 failure, 2 bad usage. */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // Expected failures (missing data, corrupt files, divergence) get one line, not a stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("error: " + e.getMessage());
            if (Logging.verbose()) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli;
    }
}
