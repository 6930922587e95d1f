package dev.kerasmnist.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each file is written to a temporary file in the same folder and then renamed over the old one, so its previous
 * content stays intact until the new one is complete.
 */
public final class AtomicFiles {
    /** Writes the content of one file. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code target} atomically. */
    public static void write(Path target, Writer writer) throws IOException {
        writeAll(Map.of(target, writer));
    }

    /**
     * Writes several files, all of them in full before any old one is replaced (in the map's order), each by an
     * atomic rename; parent folders are created.
     */
    public static void writeAll(Map<Path, Writer> files) throws IOException {
        List<Path[]> staged = new ArrayList<>();
        try {
            for (Map.Entry<Path, Writer> f : new LinkedHashMap<>(files).entrySet()) {
                staged.add(new Path[] {stage(f.getKey(), f.getValue()), f.getKey()});
            }
            for (Path[] pair : staged) {
                move(pair[0], pair[1]);
            }
        } finally {
            for (Path[] pair : staged) {
                Files.deleteIfExists(pair[0]);
            }
        }
    }

    private static Path stage(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IOException("cannot create folder " + dir + " (" + e + ")", e);
        }
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new IOException("cannot write into " + dir + " (" + e + "); the previous file, if any, is untouched",
                    e);
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
            // Temp files are created owner-only; a saved file should be readable like any file the user writes.
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            writer.writeTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("saving " + target + " failed (" + e.getMessage() + "); the previous file, if any,"
                    + " is untouched", e);
        }
        return tmp;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
