package dev.kerasmnist.model.fast;

import java.util.function.Supplier;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * ND4J's platform helpers (oneDNN, in the nd4j-native build that has it) for the convolutions only. With the helpers
 * on, libnd4j also sends matrix products and pooling to oneDNN: the products then sum in another order than the
 * OpenBLAS products of our dense layers, so stock DL4J and the fast path would no longer agree bit for bit, and
 * oneDNN's pooling is its slow reference kernel (measured: the convnet's stock step 137 ms with helpers, 106 without).
 * So the helpers are off except inside {@link FastConvolutionLayer}'s conv ops. The switch is ND4J's one global flag:
 * an op that another thread runs while a convolution is under way (a second model in one server) may take oneDNN's
 * path and round its last bits differently; it computes the same thing.
 */
final class Helpers {
    private static Boolean onednn;

    private Helpers() {}

    /** Turns the helpers off for everything but the conv ops, once, where the oneDNN build runs. */
    static synchronized void offByDefault() {
        if (onednn == null) {
            onednn = onednnLoaded();
            if (onednn) {
                Nd4j.getEnvironment().allowHelpers(false);
            }
        }
    }

    /** Whether the natives have oneDNN (and the helpers are off outside the ops that turn them on). */
    static boolean onednn() {
        offByDefault();
        return onednn;
    }

    /**
     * Whether libnd4j is nd4j-native's build with oneDNN: JavaCPP loads it whenever that jar is on the class path
     * (the pom adds it on Linux x86-64), no system property needed.
     */
    static boolean onednnLoaded() {
        Nd4j.getBackend(); // the natives load with the backend
        return Loader.getLoadedLibraries().values().stream()
                .anyMatch(path -> path != null && path.contains("-onednn/") && path.contains("nd4jcpu"));
    }

    /** Runs {@code op} with the helpers on, on the calling thread alone ({@link #alone}). */
    static void onOneThread(Runnable op) {
        alone(() -> on(() -> {
            op.run();
            return null;
        }));
    }

    /**
     * Runs {@code op} with one OpenMP thread, the calling one: OpenMP's thread count is per thread ({@code
     * omp_set_num_threads}), so other threads keep theirs.
     */
    static void alone(Runnable op) {
        NativeOps natives = NativeOpsHolder.getInstance().getDeviceNativeOps();
        int threads = natives.ompGetMaxThreads();
        natives.setOmpNumThreads(1);
        try {
            op.run();
        } finally {
            natives.setOmpNumThreads(threads);
        }
    }

    /** Runs {@code op} with the helpers on (oneDNN's convolutions), then off again. */
    static <T> T on(Supplier<T> op) {
        if (onednn == null || !onednn) {
            return op.get();
        }
        Nd4j.getEnvironment().allowHelpers(true);
        try {
            return op.get();
        } finally {
            Nd4j.getEnvironment().allowHelpers(false);
        }
    }
}
