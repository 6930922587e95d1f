package dev.kerasmnist.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The equivalence tests (tagged {@value #TAG}: the fast path against stock DL4J, seeds, resume, the golden steps, the
 * sweep's table) once more under each of several forced OpenBLAS kernels, so that a run on any one machine covers what
 * other CPUs compute. OpenBLAS picks its kernel when it loads ({@code OPENBLAS_CORETYPE} forces one), so each kernel
 * runs in a JVM of its own ({@link KernelRun}). SkylakeX is the AVX-512 family that Intel CPUs pick, Haswell the
 * AVX2 one, Zen AMD's, and Prescott a generic SSE3 one. A kernel this CPU cannot execute is skipped (it would stop
 * on an illegal instruction), and the test checks that OpenBLAS really runs the kernel asked for.
 */
public class KernelMatrixTest {
    /** The tag of the tests that run under every kernel. */
    public static final String KERNELS = "kernels";

    static final String TAG = KERNELS;
    static final String KERNEL_LINE = "OpenBLAS kernel: ";

    @ParameterizedTest(name = "OPENBLAS_CORETYPE={0}")
    @ValueSource(strings = {"Haswell", "Zen", "SkylakeX", "Prescott"})
    void equivalenceTestsPassUnderKernel(String kernel) throws IOException, InterruptedException {
        Assumptions.assumeTrue(
                Files.isReadable(Path.of("/proc/cpuinfo"))
                        && System.getProperty("os.arch").equals("amd64"),
                "forcing kernels needs Linux x86-64");
        Set<String> flags = cpuFlags();
        Assumptions.assumeTrue(
                flags.containsAll(needs(kernel)),
                "this CPU cannot execute the " + kernel + " kernel (needs " + needs(kernel) + ")");

        // this JVM's options (heap, and under -Pspark the --add-opens Spark needs), class path and environment
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelRun.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OPENBLAS_CORETYPE", kernel);
        Path log = Files.createTempFile("kernel-" + kernel, ".log");
        builder.redirectOutput(log.toFile());
        Process child = builder.start();
        if (!child.waitFor(8, TimeUnit.MINUTES)) {
            child.destroyForcibly();
            throw new AssertionError("the tests under " + kernel + " took over 8 minutes; log in " + log);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        String summary = output.lines()
                .filter(l -> l.matches("\\d+ passed, \\d+ failed, \\d+ skipped"))
                .findFirst()
                .orElse("no summary");
        System.out.println("OPENBLAS_CORETYPE=" + kernel + ": " + summary);
        assertTrue(output.contains(KERNEL_LINE), output);
        String used = output.lines()
                .filter(l -> l.startsWith(KERNEL_LINE))
                .findFirst()
                .orElseThrow()
                .substring(KERNEL_LINE.length())
                .trim();
        assertEquals(kernel.toLowerCase(), used.toLowerCase(), "OpenBLAS ran another kernel than the one forced");
        assertEquals(0, child.exitValue(), "under " + kernel + ":\n" + output);
    }

    /** The CPU features each kernel's code uses (OpenBLAS does not check them when a kernel is forced). */
    private static Set<String> needs(String kernel) {
        return switch (kernel) {
            case "SkylakeX" -> Set.of("avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "avx2", "fma");
            case "Haswell", "Zen" -> Set.of("avx2", "fma");
            case "Prescott" -> Set.of("pni"); // SSE3
            default -> throw new IllegalArgumentException(kernel);
        };
    }

    private static Set<String> cpuFlags() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("flags"))
                .findFirst()
                .map(l -> Set.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))
                .orElse(Set.of());
    }
}
