package dev.kerasmnist.cli;

import dev.kerasmnist.model.Versions;
import dev.kerasmnist.training.Recipe;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/** {@code keras-mnist}: the tutorial's MNIST model on DL4J. */
@Command(name = "keras-mnist", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "The Keras MNIST tutorial (Dense 512 relu -> Dense 10 softmax, RMSprop) on Deeplearning4j.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, LessonsCommand.class,
                ImportKerasCommand.class, CompareCommand.class, ServeCommand.class, SweepCommand.class,
                FetchDataCommand.class,
                CommandLine.HelpCommand.class})
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
        Optional<String> noGpu = onClassPath(CUDA_BACKEND) && !List.of(args).stream().anyMatch(a -> a.equals("--help")
                || a.equals("-h") || a.equals("--version") || a.equals("-V")) ? cudaMissing() : Optional.empty();
        if (noGpu.isPresent()) { // said before ND4J tries, which prints a stack trace of its own
            System.err.println("error: " + noGpu.get());
            return 1;
        }
        try {
            return commandLine().execute(args);
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            // ND4J's static start-up failed: no backend this machine can run (thrown as an Error, past picocli)
            if (!noNd4jBackend(e)) {
                throw e;
            }
            System.err.println("error: " + (onClassPath(CUDA_BACKEND) ? NO_CUDA + " (" + e + ")"
                    : "ND4J has no backend for this machine (" + System.getProperty("os.name") + ", "
                            + System.getProperty("os.arch") + "): build on it, or with -Djavacpp.platform=<its "
                            + "platform>"));
            return 1;
        }
    }

    private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";
    private static final String NO_CUDA = "ND4J's CUDA backend (a -Pcuda build) cannot start here: it needs an NVIDIA "
            + "GPU with its driver and CUDA 11.6 with cuDNN 8.3; on a machine without them, build without -Pcuda for the "
            + "CPU backend";

    /** In a -Pcuda build: why CUDA's runtime does not load here, if it does not. */
    private static Optional<String> cudaMissing() {
        try {
            Class.forName("org.bytedeco.cuda.global.cudart"); // loads libcudart and the driver's libcuda
            return Optional.empty();
        } catch (Throwable e) { // UnsatisfiedLinkError, or ExceptionInInitializerError around it
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String why = String.valueOf(cause.getMessage());
            // "/root/.javacpp/cache/.../libjnicudart.so: libcuda.so.1: cannot open shared object file: ..."
            return Optional.of(NO_CUDA + " (" + why.substring(why.indexOf(": ") + 2) + ")");
        }
    }

    private static boolean noNd4jBackend(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getName().endsWith("NoAvailableBackendException")
                    || String.valueOf(t.getMessage()).contains("org.nd4j.linalg.factory.Nd4j")) {
                return true;
            }
        }
        return false;
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, Main.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main()).registerConverter(Recipe.class, Recipe::of)
                .setCaseInsensitiveEnumValuesAllowed(true); // --engine spark, --rmsprop-epsilon inside_sqrt
        // Expected failures (missing data, corrupt files, divergence) get one line, not a stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            // Some failures carry no message (NullPointerException and the like): name the exception then.
            err.println("error: " + (e.getMessage() != null ? e.getMessage() : e.toString()
                    + " (a bug: please report it with the output of --verbose)"));
            if (Logging.verbose()) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cli;
    }
}
