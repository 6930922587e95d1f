package dev.kerasmnist.cli;

import java.util.List;
import java.util.Optional;

/** One line, instead of ND4J's stack traces, when this build's ND4J backend cannot run on this machine. */
final class BackendCheck {
    private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";
    private static final String NO_CUDA = "ND4J's CUDA backend (a -Pcuda build) cannot start here: it needs an NVIDIA "
            + "GPU with its driver and CUDA 11.6 with cuDNN 8.3; on a machine without them, build without -Pcuda for the "
            + "CPU backend";

    private BackendCheck() {}

    /**
     * In a -Pcuda build, before any command but help and version: why CUDA's runtime does not load here, if it does
     * not (said before ND4J tries, which prints a stack trace of its own).
     */
    static Optional<String> beforeStart(String... args) {
        boolean helpOrVersion = List.of(args).stream()
                .anyMatch(a -> List.of("--help", "-h", "--version", "-V").contains(a));
        if (!onClassPath(CUDA_BACKEND) || helpOrVersion) {
            return Optional.empty();
        }
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

    /** What to say when ND4J's start-up threw {@code e}, if that is what it was: no backend for this machine. */
    static Optional<String> noBackend(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getClass().getName().endsWith("NoAvailableBackendException")
                    || String.valueOf(t.getMessage()).contains("org.nd4j.linalg.factory.Nd4j")) {
                return Optional.of(
                        onClassPath(CUDA_BACKEND)
                                ? NO_CUDA + " (" + e + ")"
                                : "ND4J has no backend for this machine (" + System.getProperty("os.name") + ", "
                                        + System.getProperty("os.arch")
                                        + "): build on it, or with -Djavacpp.platform=<its "
                                        + "platform>");
            }
        }
        return Optional.empty();
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, BackendCheck.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
