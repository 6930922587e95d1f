package dev.kerasmnist.data;

import dev.kerasmnist.failures.Remedy;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * MNIST loaded from a folder holding the four IDX files, each checked against its known SHA-256 sum.
 *
 * @param sha256 the SHA-256 of each file's (uncompressed) content, recorded in the model's sidecar
 */
public record Mnist(MnistSplit train, MnistSplit test, Map<MnistFile, String> sha256) {

    /** What to do with the SHA-256 sums. */
    public enum Checksums {
        /** Refuse files that are not byte-for-byte the real MNIST. */
        VERIFY,
        /** Accept any well-formed IDX files of 28x28 images and labels 0..9 (your own data, test fixtures). */
        SKIP
    }

    /** Loads and verifies MNIST from {@code dir}. */
    public static Mnist load(Path dir) throws IOException {
        return load(dir, Checksums.VERIFY);
    }

    public static Mnist load(Path dir, Checksums checksums) throws IOException {
        Map<MnistFile, byte[]> bytes = new EnumMap<>(MnistFile.class);
        Map<MnistFile, String> sums = new EnumMap<>(MnistFile.class);
        Map<MnistFile, Path> paths = new EnumMap<>(MnistFile.class);
        for (MnistFile f : MnistFile.values()) {
            Path path = f.findIn(dir)
                    .orElseThrow(() -> new MnistNotFoundException(
                            "MNIST file " + f.fileName() + " is missing from " + dir.toAbsolutePath()));
            byte[] content = IdxReader.readBytes(path);
            String sum = sha256(content);
            if (checksums == Checksums.VERIFY && !sum.equals(f.sha256())) {
                throw new IdxFormatException(
                        path + ": SHA-256 " + sum + " does not match MNIST's " + f.sha256()
                                + "; the file is corrupt or not MNIST",
                        List.of(new Remedy.FetchAgainOrSkipChecksum()));
            }
            bytes.put(f, content);
            sums.put(f, sum);
            paths.put(f, path);
        }
        MnistSplit train = split(bytes, paths, MnistFile.TRAIN_IMAGES, MnistFile.TRAIN_LABELS);
        MnistSplit test = split(bytes, paths, MnistFile.TEST_IMAGES, MnistFile.TEST_LABELS);
        return new Mnist(train, test, Map.copyOf(sums));
    }

    /** Errors name the files as found (dotted or gzipped names included). */
    private static MnistSplit split(
            Map<MnistFile, byte[]> bytes, Map<MnistFile, Path> paths, MnistFile imgs, MnistFile lbls)
            throws IdxFormatException {
        IdxImages images =
                IdxReader.parseImages(bytes.get(imgs), paths.get(imgs).toString());
        IdxLabels labels =
                IdxReader.parseLabels(bytes.get(lbls), paths.get(lbls).toString());
        return MnistSplit.of(
                images, labels, paths.get(imgs) + " + " + paths.get(lbls).getFileName());
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
