package dev.kerasmnist.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

    private AtomicFiles() {}

    /** Writes {@code target} atomically. */
    public static void write(Path target, Writer writer) throws IOException {
        writeAll(Map.of(target, writer));
    }

    /**
     * Writes several files, all of them in full before any old one is replaced (in the map's order), each by an
     * atomic rename; parent folders are created.
     */
    public static void writeAll(Map<Path, Writer> files) throws IOException {
        writeAll(files, Map.of());
    }

    /**
     * As {@link #writeAll(Map)}, and once every new file is written in full, each old file named in {@code keepAs}
     * is kept at its path there (replacing what was there) before it is replaced. The target never goes missing: the
     * kept copy is a hard link (a copy where links are not supported) renamed into place. A target with no old file
     * has its kept path removed, so the kept files are all of one generation.
     */
    public static void writeAll(Map<Path, Writer> files, Map<Path, Path> keepAs) throws IOException {
        List<Path[]> staged = new ArrayList<>();
        try {
            for (Map.Entry<Path, Writer> f : new LinkedHashMap<>(files).entrySet()) {
                staged.add(new Path[] {stage(f.getKey(), f.getValue()), f.getKey()});
            }
            for (Path[] pair : staged) {
                Path kept = keepAs.get(pair[1]);
                if (kept != null) {
                    keep(pair[1], kept);
                }
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

    /**
     * Whether files can be created in {@code folder}, or, when it does not exist yet, in the nearest folder above it
     * that does: tried by creating and deleting a file there, which is the only sure test (permissions say nothing of
     * read-only or special file systems, and root passes every permission check).
     *
     * @throws IOException saying which folder cannot be written and why
     */
    public static void requireWritableFolder(Path folder) throws IOException {
        Path dir = folder.toAbsolutePath().normalize();
        while (!Files.exists(dir) && dir.getParent() != null) {
            dir = dir.getParent();
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot write into " + folder + " (" + dir + " is a file, not a folder)");
        }
        try {
            Files.delete(Files.createTempFile(dir, ".keras-mnist-probe", ".tmp"));
        } catch (IOException e) {
            throw new IOException("cannot write into " + dir + " (" + reason(e) + ")", e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "it takes no new files"; // /proc and the like: the folder exists, a file cannot be made in it
        }
        return e instanceof FileSystemException f && f.getReason() != null
                ? f.getReason().toLowerCase(Locale.ROOT)
                : e.toString();
    }

    /** {@code file}'s current content at {@code kept}, by an atomic rename; no old file: nothing kept. */
    private static void keep(Path file, Path kept) throws IOException {
        if (!Files.exists(file)) {
            Files.deleteIfExists(kept);
            return;
        }
        Path dir = kept.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + kept.getFileName(), ".tmp");
        try {
            Files.delete(tmp); // createLink wants a free name
            try {
                Files.createLink(tmp, file);
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(file, tmp, StandardCopyOption.COPY_ATTRIBUTES);
            }
            move(tmp, kept);
        } finally {
            Files.deleteIfExists(tmp);
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
            throw new IOException(
                    "cannot write into " + dir + " (" + e + "); the previous file, if any, is untouched", e);
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
            // Temp files are created owner-only; a saved file should be readable like any file the user writes.
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            writer.writeTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException(
                    "saving " + target + " failed (" + e.getMessage() + "); the previous file, if any,"
                            + " is untouched",
                    e);
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
