package dev.kerasmnist.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Whether this program's standard output ends on a terminal, where a moving progress bar belongs. */
final class Terminal {
    /** Set by the pom's {@code exec:exec} configuration, and only there. */
    static final String UNDER_MAVEN = "KERAS_MNIST_UNDER_MAVEN";

    private Terminal() {}

    /** OpenMP spin-waiting halves training speed on few cores, and only the environment can stop it. */
    static void warnIfSpinning(PrintStream out) {
        if (System.getenv("OMP_WAIT_POLICY") == null) {
            out.println("note: OMP_WAIT_POLICY is not set; set OMP_WAIT_POLICY=PASSIVE before starting Java "
                    + "(bin/keras-mnist and the Maven command do) or training runs about 2x slower on few cores.");
        }
    }

    /**
     * True when standard output is a terminal, or when this JVM was started by the pom's {@code exec:exec} and
     * Maven's own standard output is a terminal: Maven pipes the child's output through itself, so the child sees
     * a pipe although the user sees a terminal. Output piped or redirected anywhere else gets plain lines.
     */
    static boolean interactive() {
        if (System.console() != null) {
            return true;
        }
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        if (parent.isEmpty() || !"true".equals(System.getenv(UNDER_MAVEN))) {
            return false;
        }
        return isTerminal(Path.of("/proc", Long.toString(parent.get().pid()), "fd", "1"));
    }

    /** Whether a file descriptor link (Linux's /proc) points at a terminal device; false where there is no /proc. */
    static boolean isTerminal(Path fdLink) {
        try {
            String target = Files.readSymbolicLink(fdLink).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
