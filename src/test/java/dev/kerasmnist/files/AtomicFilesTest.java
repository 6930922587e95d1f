package dev.kerasmnist.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private static AtomicFiles.Writer text(String s) {
        return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keptFilesAreTheOldOnesAndReplaceAnOlderGeneration() throws IOException {
        Path a = dir.resolve("m.zip");
        Path b = dir.resolve("m.json");
        Path keptA = dir.resolve("m.previous.zip");
        Path keptB = dir.resolve("m.previous.json");
        Files.writeString(a, "old model");
        Files.writeString(keptA, "older model");
        Files.writeString(keptB, "older sidecar"); // m.json does not exist: its kept copy must go

        Map<Path, AtomicFiles.Writer> files = new LinkedHashMap<>();
        files.put(a, text("new model"));
        files.put(b, text("new sidecar"));
        AtomicFiles.writeAll(files, Map.of(a, keptA, b, keptB));

        assertEquals("new model", Files.readString(a));
        assertEquals("new sidecar", Files.readString(b));
        assertEquals("old model", Files.readString(keptA));
        assertFalse(Files.exists(keptB), "a kept sidecar of an older generation would describe the wrong model");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(
                    List.of(), left.filter(p -> p.toString().endsWith(".tmp")).toList());
        }
    }

    @Test
    void aFailedWriteKeepsNothingAndChangesNothing() throws IOException {
        Path a = dir.resolve("m.zip");
        Path kept = dir.resolve("m.previous.zip");
        Files.writeString(a, "old model");
        Files.writeString(kept, "older model");

        assertThrows(
                IOException.class,
                () -> AtomicFiles.writeAll(
                        Map.of(a, out -> {
                            out.write(1);
                            throw new IOException("No space left on device");
                        }),
                        Map.of(a, kept)));

        assertEquals("old model", Files.readString(a));
        assertEquals("older model", Files.readString(kept));
    }

    @Test
    void writableFoldersPassAndOthersSayWhichFolderAndWhy() throws IOException {
        AtomicFiles.requireWritableFolder(dir);
        AtomicFiles.requireWritableFolder(dir.resolve("not/yet/made")); // made when written; its parent is writable
        assertFalse(Files.exists(dir.resolve("not")), "the check creates nothing");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "the probe file is gone");
        }

        Path file = Files.writeString(dir.resolve("file"), "x");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.requireWritableFolder(file.resolve("sub")));
        assertEquals(
                "cannot write into " + file.resolve("sub") + " (" + file + " is a file, not a folder)", e.getMessage());

        // Linux's /proc refuses new files even to root, whose permission checks always pass.
        assumeTrue(Files.isDirectory(Path.of("/proc")), "Linux only");
        e = assertThrows(IOException.class, () -> AtomicFiles.requireWritableFolder(Path.of("/proc")));
        assertEquals("cannot write into /proc (it takes no new files)", e.getMessage());
    }
}
