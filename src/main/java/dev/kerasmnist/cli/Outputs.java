package dev.kerasmnist.cli;

import dev.kerasmnist.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/** Output folders checked before the work starts, so that a long run cannot fail at its end for want of one. */
final class Outputs {
    private Outputs() {}

    /** {@code folder} (or the nearest one above it, where it is made) takes new files; else a one-line error. */
    static void requireWritable(Path folder, String option) {
        try {
            AtomicFiles.requireWritableFolder(folder);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage() + ": choose a folder you can write to with " + option, e);
        }
    }

    /** The folder a file is written into. */
    static Path folderOf(Path file) {
        return file.toAbsolutePath().getParent();
    }
}
