package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalTest {
    @TempDir
    Path tmp;

    @Test
    void aDescriptorOnATerminalDeviceIsATerminal() throws IOException {
        // As Linux shows a process's standard output in /proc/PID/fd/1
        assertTrue(Terminal.isTerminal(Files.createSymbolicLink(tmp.resolve("pts"), Path.of("/dev/pts/3"))));
        assertTrue(Terminal.isTerminal(Files.createSymbolicLink(tmp.resolve("tty"), Path.of("/dev/tty1"))));
        assertFalse(Terminal.isTerminal(Files.createSymbolicLink(tmp.resolve("pipe"), Path.of("pipe:[4711]"))));
        assertFalse(Terminal.isTerminal(Files.createSymbolicLink(tmp.resolve("log"), tmp.resolve("out.log"))));
        assertFalse(Terminal.isTerminal(tmp.resolve("missing")));
    }
}
