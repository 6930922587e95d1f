package dev.kerasmnist.cli;

import dev.kerasmnist.inference.Engine;
import dev.kerasmnist.model.Versions;
import dev.kerasmnist.training.Recipe;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/** {@code keras-mnist}: the tutorial's MNIST model on DL4J. */
@Command(
        name = "keras-mnist",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "The Keras MNIST tutorial (Dense 512 relu -> Dense 10 softmax, RMSprop) on Deeplearning4j.",
        subcommands = {
            TrainCommand.class,
            EvaluateCommand.class,
            PredictCommand.class,
            LessonsCommand.class,
            ImportKerasCommand.class,
            ExportKerasCommand.class,
            ExportOnnxCommand.class,
            CompareCommand.class,
            ServeCommand.class,
            SweepCommand.class,
            FetchDataCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main {
    /** The version from the pom. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"keras-mnist " + Versions.project() + " (DL4J " + Versions.dl4j() + ")"};
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** The command line as typed, for a model's provenance: {@code keras-mnist train --epochs 3}. */
    static List<String> commandLine(CommandSpec command) {
        List<String> line = new ArrayList<>(List.of("keras-mnist")); // the parse result starts at the command
        line.addAll(command.commandLine().getParseResult().originalArgs());
        return line;
    }

    /** Runs the command line and returns its exit code: 0 success, 1 failure, 2 bad usage. */
    public static int execute(String... args) {
        Optional<String> noGpu = BackendCheck.beforeStart(args);
        if (noGpu.isPresent()) {
            System.err.println("error: " + noGpu.get());
            return 1;
        }
        try {
            return commandLine().execute(args);
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            // ND4J's static start-up failed (thrown as an Error, past picocli's handler)
            System.err.println("error: " + BackendCheck.noBackend(e).orElseThrow(() -> e));
            return 1;
        }
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main())
                .registerConverter(Recipe.class, Recipe::of)
                .registerConverter(Engine.class, Engine::of)
                .setCaseInsensitiveEnumValuesAllowed(true); // --engine spark, --rmsprop-epsilon inside_sqrt
        // A bad option is its one line and where the options are, not the whole usage, which would bury it.
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println(e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err); // "Did you mean ..." for a typo
            err.println("See `" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help` for the options.");
            err.flush();
            return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
        // Expected failures (bad input, settings, the environment) are one line with their remedies as flags;
        // anything else is a bug, and says so with its stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            Throwable failure = Remedies.unwrap(e);
            if (Remedies.expected(failure)) {
                err.println("error: " + Remedies.line(failure));
                if (Logging.verbose()) {
                    failure.printStackTrace(err);
                }
            } else {
                err.println("error: " + failure + " (a bug in keras-mnist, not something you did: please report it"
                        + " with the trace below)");
                failure.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli;
    }
}
