package dev.kerasmnist.model;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.util.Optional;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the bundled OpenBLAS runs on this machine: the kernel family it picked at load time (or was forced to with
 * {@code OPENBLAS_CORETYPE}) and its build. The kernel decides the order in which products are summed, so it is part
 * of a result's provenance. JavaCPP's presets do not map {@code openblas_get_corename}, so it is called through JNA
 * (on the class path already, through DL4J's system-information library) on the library JavaCPP loaded.
 */
public final class OpenBlas {
    private OpenBlas() {}

    /** The kernel family, e.g. {@code Haswell}, {@code Zen} or {@code SkylakeX}; empty off the CPU backend. */
    public static Optional<String> coreName() {
        return call("openblas_get_corename");
    }

    /** The build's description, e.g. {@code OpenBLAS 0.3.19 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=128}. */
    public static Optional<String> config() {
        return call("openblas_get_config").map(String::trim);
    }

    private static Optional<String> call(String function) {
        try {
            Nd4j.getBackend(); // loads the natives, OpenBLAS among them
            for (String path : Loader.getLoadedLibraries().values()) {
                if (path != null && path.contains("libopenblas")) {
                    Function f = NativeLibrary.getInstance(path).getFunction(function);
                    return Optional.ofNullable(f.invokeString(new Object[0], false));
                }
            }
        } catch (RuntimeException | LinkageError e) {
            // no OpenBLAS here (another backend or platform): the kernel is simply not known
        }
        return Optional.empty();
    }
}
