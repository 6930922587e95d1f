package dev.kerasmnist.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kerasmnist.Fixtures;
import dev.kerasmnist.files.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

class MachineTest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final ModelSpec SPEC = new ModelSpec(
            784,
            List.of(new DenseSpec(16, "relu"), new DenseSpec(10, "softmax")),
            RmsPropSpec.KERAS_DEFAULTS,
            KerasLoss.CATEGORICAL_CROSSENTROPY,
            5);

    @TempDir
    Path dir;

    @Test
    void currentFillsEveryFieldOnThisMachine() {
        Machine m = Machine.current();
        for (String field : List.of(
                m.osName(),
                m.osVersion(),
                m.osArch(),
                m.cpu(),
                m.cpuInstructionSet(),
                m.nd4jBackend(),
                m.nd4jNatives(),
                m.nd4jBinaryLevel(),
                m.openblas(),
                m.openblasCore())) {
            assertFalse(field.isBlank() || field.equals(Machine.UNKNOWN), m.toString());
        }
        assertEquals(System.getProperty("os.name"), m.osName());
        assertEquals(Runtime.getRuntime().availableProcessors(), m.cores());
        assertEquals(Nd4j.getBackend().getClass().getName(), m.nd4jBackend());
        // the natives' folder is named after their classifier: this platform, and -onednn where the pom picks it
        assertTrue(m.nd4jNatives().startsWith(Loader.getPlatform()), m.nd4jNatives());
        assertTrue(m.openblas().matches("OpenBLAS \\d+\\.\\d+\\.\\d+"), m.openblas());
        assertTrue(m.openblasThreads() >= 1 && m.ompMaxThreads() >= 1, m.toString());
        assertEquals(Optional.ofNullable(System.getenv("OMP_WAIT_POLICY")), m.ompWaitPolicy());
        assertEquals(Optional.ofNullable(System.getenv("OPENBLAS_CORETYPE")), m.openblasCoretype());
        // a forced core is the one OpenBLAS reports: the lookup reads what OpenBLAS chose, not what the CPU is
        m.openblasCoretype()
                .ifPresent(forced ->
                        assertTrue(forced.equalsIgnoreCase(m.openblasCore()), forced + " vs " + m.openblasCore()));
        if (Files.isReadable(Path.of("/proc/cpuinfo"))) {
            Map<String, String> cpuinfo = Machine.cpuinfo(Path.of("/proc/cpuinfo"));
            assertEquals(cpuinfo.get("model name"), m.cpu());
        }
        assertTrue(
                m.summary()
                        .startsWith(m.osName() + " " + m.osVersion() + " " + m.osArch() + ", " + m.cpu() + " ("
                                + m.cores() + " cores, " + m.cpuInstructionSet() + "); ND4J " + m.nd4jNatives()),
                m.summary());
    }

    @Test
    void theWidestInstructionSetNamesTheCpu() {
        assertEquals("AVX-512", Machine.instructionSet("fpu sse sse2 avx avx2 avx512f avx512dq"));
        assertEquals("AVX2", Machine.instructionSet("fpu sse sse2 sse4_2 avx avx2 fma"));
        assertEquals("AVX", Machine.instructionSet("sse2 sse4_2 avx"));
        assertEquals("SSE4.2", Machine.instructionSet("sse2 ssse3 sse4_1 sse4_2"));
        assertEquals("NEON", Machine.instructionSet("fp asimd evtstrm aes"));
        assertEquals(Machine.UNKNOWN, Machine.instructionSet(""));
    }

    @Test
    void cpuinfoIsReadForTheFirstProcessorOnly(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("cpuinfo");
        Files.writeString(
                file,
                "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Gold 6230\nflags\t\t: sse2 avx\n\n"
                        + "processor\t: 1\nmodel name\t: other\nflags\t\t: sse2 avx avx2\n");
        Map<String, String> fields = Machine.cpuinfo(file);
        assertEquals("Intel(R) Xeon(R) Gold 6230", fields.get("model name"));
        assertEquals("sse2 avx", fields.get("flags"));
        assertEquals(Map.of(), Machine.cpuinfo(tmp.resolve("none")));
    }

    @Test
    void theMachineSurvivesTheProvenanceFile() throws IOException {
        Provenance written = Fixtures.provenance(SPEC, 0.75);
        Machine machine = written.build().machine().orElseThrow();
        ModelFiles files = new ModelFiles(dir.resolve("m.zip"));
        JSON.writeValue(files.provenance().toFile(), written);

        Provenance read = ModelStore.readProvenance(files);
        assertEquals(written, read);
        assertEquals(machine, read.build().machine().orElseThrow());
        assertTrue(
                Files.readString(files.provenance()).contains("\"openblasCore\" : \"" + machine.openblasCore()),
                Files.readString(files.provenance()));
    }

    @Test
    void aFileWrittenBeforeTheMachineWasKeptStillReads() throws IOException {
        Provenance written = Fixtures.provenance(SPEC, 0.75);
        ObjectNode tree = JSON.valueToTree(written);
        ((ObjectNode) tree.get("build")).remove("machine");
        ModelFiles files = new ModelFiles(dir.resolve("old.zip"));
        JSON.writeValue(files.provenance().toFile(), tree);

        Provenance read = ModelStore.readProvenance(files);
        assertEquals(Optional.empty(), read.build().machine());
        assertEquals(written.build().commandLine(), read.build().commandLine());
        assertEquals(written.test(), read.test());
    }
}
