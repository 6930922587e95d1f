package dev.kerasmnist.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import picocli.CommandLine;

/** Runs the command line in-process, capturing standard output (commands print to System.out) and errors. */
abstract class CliHarness {
    protected final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    protected StringWriter stderr = new StringWriter();
    private PrintStream realOut;

    @BeforeEach
    void captureStdout() {
        realOut = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(realOut);
    }

    /** Runs {@code args}, appending to what earlier runs printed. */
    protected int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(stderr, true));
        return cli.execute(args);
    }

    /** {@code command --data DIR --skip-checksum rest...}: a command on a test's own small IDX files. */
    protected static String[] onData(Path data, String command, String... rest) {
        String[] args = new String[rest.length + 4];
        args[0] = command;
        args[1] = "--data";
        args[2] = data.toString();
        args[3] = "--skip-checksum";
        System.arraycopy(rest, 0, args, 4, rest.length);
        return args;
    }

    protected String out() {
        return stdout.toString(StandardCharsets.UTF_8);
    }
}
