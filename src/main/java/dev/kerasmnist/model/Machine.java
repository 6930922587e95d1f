package dev.kerasmnist.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The machine a model was trained on, as Tribuo records it in its provenance: the same seed gives other numbers on
 * another CPU, BLAS kernel or thread count, so a result is only reproducible together with these.
 *
 * @param osName            {@code os.name}, e.g. {@code Linux}
 * @param osVersion         {@code os.version}, the kernel's release on Linux
 * @param osArch            {@code os.arch}, e.g. {@code amd64}
 * @param cpu               the CPU's model name ({@code /proc/cpuinfo}); {@code os.arch} where the OS does not say
 * @param cores             processors available to the JVM
 * @param cpuInstructionSet the widest vector instructions the CPU has: {@code AVX-512}, {@code AVX2}, {@code AVX},
 *                          {@code SSE4.2}, {@code SSE2}, {@code NEON}, or {@code unknown}
 * @param nd4jBackend       ND4J's backend class, e.g. {@code org.nd4j.linalg.cpu.nativecpu.CpuBackend}
 * @param nd4jNatives       the build of ND4J's natives loaded, e.g. {@code linux-x86_64-onednn} (its jar's classifier)
 * @param nd4jBinaryLevel   the instructions those natives were compiled for, in ND4J's words ({@code Generic x86},
 *                          {@code AVX/AVX2}, {@code AVX512}); oneDNN, in an {@code -onednn} build, picks its own
 *                          at run time
 * @param openblas          the OpenBLAS release of the {@code model.fast} layers, e.g. {@code OpenBLAS 0.3.19}
 * @param openblasCore      the kernel set OpenBLAS picked at start-up (its {@code openblas_get_corename()}), e.g.
 *                          {@code Haswell}
 * @param openblasCoretype  {@code OPENBLAS_CORETYPE} when set: OpenBLAS then uses that kernel whatever the CPU
 * @param openblasThreads   OpenBLAS's thread count
 * @param ompMaxThreads     OpenMP's maximum threads in ND4J's natives
 * @param ompWaitPolicy     {@code OMP_WAIT_POLICY} when set (spinning threads halve DL4J's speed on few cores)
 */
public record Machine(
        String osName,
        String osVersion,
        String osArch,
        String cpu,
        int cores,
        String cpuInstructionSet,
        String nd4jBackend,
        String nd4jNatives,
        String nd4jBinaryLevel,
        String openblas,
        String openblasCore,
        Optional<String> openblasCoretype,
        int openblasThreads,
        int ompMaxThreads,
        Optional<String> ompWaitPolicy) {
    /** Written where a library does not answer (e.g. OpenBLAS's natives under the CUDA backend). */
    public static final String UNKNOWN = "unknown";

    public Machine {
        openblasCoretype = openblasCoretype == null ? Optional.empty() : openblasCoretype;
        ompWaitPolicy = ompWaitPolicy == null ? Optional.empty() : ompWaitPolicy;
    }

    /** This machine, now (ND4J's backend is started if it was not). */
    public static Machine current() {
        Map<String, String> cpuinfo = cpuinfo(Path.of("/proc/cpuinfo"));
        String arch = System.getProperty("os.arch");
        String backend = Nd4j.getBackend().getClass().getName(); // first: ND4J loads the natives asked about below
        NativeOps ops = nativeOps();
        return new Machine(
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                arch,
                cpuinfo.getOrDefault("model name", arch),
                Runtime.getRuntime().availableProcessors(),
                instructionSet(cpuinfo.getOrDefault("flags", cpuinfo.getOrDefault("Features", ""))),
                backend,
                loadedNd4jNatives(),
                nd4jBinaryLevel(ops),
                openblasRelease(),
                OpenBlas.coreName().orElse(UNKNOWN),
                env("OPENBLAS_CORETYPE"),
                currentOpenblasThreads(),
                ops == null ? 0 : ops.ompGetMaxThreads(),
                env("OMP_WAIT_POLICY"));
    }

    /**
     * One line: {@code Linux 6.8.0 amd64, AMD EPYC (2 cores, AVX-512); ND4J linux-x86_64-onednn (Generic x86);
     * OpenBLAS 0.3.19 Haswell (forced by OPENBLAS_CORETYPE), 2 threads; OpenMP 2 threads, OMP_WAIT_POLICY=PASSIVE}.
     */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "%s %s %s, %s (%d cores, %s); ND4J %s (%s); %s %s%s, %d threads; OpenMP %d threads%s",
                osName,
                osVersion,
                osArch,
                cpu,
                cores,
                cpuInstructionSet,
                nd4jNatives,
                nd4jBinaryLevel,
                openblas,
                openblasCore,
                openblasCoretype.map(t -> " (forced by OPENBLAS_CORETYPE)").orElse(""),
                openblasThreads,
                ompMaxThreads,
                ompWaitPolicy.map(p -> ", OMP_WAIT_POLICY=" + p).orElse(""));
    }

    /** The first processor's fields of a {@code /proc/cpuinfo} file; empty where there is none (not Linux). */
    static Map<String, String> cpuinfo(Path file) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (!Files.isReadable(file)) {
            return fields;
        }
        try (BufferedReader in = Files.newBufferedReader(file)) {
            for (String line = in.readLine(); line != null && !line.isBlank(); line = in.readLine()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    fields.putIfAbsent(
                            line.substring(0, colon).strip(),
                            line.substring(colon + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // a machine that hides its CPU still trains; the record then says unknown
        }
        return fields;
    }

    /** The widest vector instruction set among {@code /proc/cpuinfo}'s flags (x86) or features (ARM). */
    static String instructionSet(String flags) {
        Set<String> have = Set.of(flags.toLowerCase(Locale.ROOT).split("\\s+"));
        String[][] widestFirst = {
            {"avx512f", "AVX-512"},
            {"avx2", "AVX2"},
            {"avx", "AVX"},
            {"sse4_2", "SSE4.2"},
            {"sse2", "SSE2"},
            {"asimd", "NEON"}
        };
        for (String[] set : widestFirst) {
            if (have.contains(set[0])) {
                return set[1];
            }
        }
        return UNKNOWN;
    }

    private static NativeOps nativeOps() {
        try {
            return NativeOpsHolder.getInstance().getDeviceNativeOps();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** ND4J's names for its binary levels, as its CPU backend logs them at start-up. */
    private static String nd4jBinaryLevel(NativeOps ops) {
        if (ops == null) {
            return UNKNOWN;
        }
        return switch (ops.binaryLevel()) {
            case 3 -> "AVX512";
            case 2 -> "AVX/AVX2";
            default -> "Generic x86";
        };
    }

    /**
     * The folder JavaCPP loaded ND4J's JNI library from, named after the natives' classifier
     * ({@code .../linux-x86_64-onednn/libjnind4jcpu.so}).
     */
    private static String loadedNd4jNatives() {
        for (Map.Entry<String, String> lib : Loader.getLoadedLibraries().entrySet()) {
            if (lib.getKey().startsWith("jnind4j") && lib.getValue() != null) {
                Path folder = Path.of(lib.getValue()).getParent();
                if (folder != null && folder.getFileName() != null) {
                    return folder.getFileName().toString();
                }
            }
        }
        return UNKNOWN;
    }

    private static String openblasRelease() {
        return openblas_nolapack.OPENBLAS_VERSION.strip();
    }

    private static int currentOpenblasThreads() {
        try {
            return openblas_nolapack.blas_get_num_threads();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
    }

    private static Optional<String> env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }
}
