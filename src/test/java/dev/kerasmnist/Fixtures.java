package dev.kerasmnist;

import dev.kerasmnist.data.IdxLabels;
import dev.kerasmnist.data.MnistFile;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.data.SyntheticDigits;
import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.model.RmsPropSpec;
import dev.kerasmnist.plots.Charts;
import dev.kerasmnist.training.Trainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Small IDX files and MNIST-shaped data sets made by the tests themselves. */
public final class Fixtures {
    private Fixtures() {}

    /** An IDX3 image file: header, then {@code pixels}. */
    public static byte[] idxImages(int magic, int count, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    /** An IDX1 label file: header, then {@code labels}. */
    public static byte[] idxLabels(int magic, int count, byte[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt(count).put(labels);
        return b.array();
    }

    /** A provenance record as `train` writes it, for models the tests save themselves. */
    public static Provenance provenance(ModelSpec spec, double accuracy) {
        return new Provenance(
                Provenance.FORMAT,
                Provenance.Origin.recipe("test"),
                Optional.of(spec),
                Optional.of(new Provenance.Training(FitSpec.keras(spec.seed()).limit(100), 1, 100, 0, 0.5)),
                Map.of("train-images-idx3-ubyte", "abc"),
                Optional.of(new Provenance.Test(0.1, accuracy)),
                Provenance.Build.now(List.of("test")));
    }

    /**
     * A tiny model (784-32-10) trained for one epoch on {@code digits} and saved with its sidecar like `train` does.
     *
     * @return the trained network (the same parameters as the saved file)
     */
    public static MultiLayerNetwork trainTinyModel(MnistSplit digits, Path zip) throws IOException {
        ModelSpec spec = new ModelSpec(
                784,
                List.of(new DenseSpec(32, "relu"), new DenseSpec(10, "softmax")),
                RmsPropSpec.KERAS_DEFAULTS,
                KerasLoss.CATEGORICAL_CROSSENTROPY,
                2);
        MultiLayerNetwork net = KerasToDl4j.build(spec);
        Trainer.fit(net, digits, FitSpec.keras(2).epochs(1).batchSize(32));
        ModelStore.save(net, provenance(spec, 0.5), "", new ModelFiles(zip));
        return net;
    }

    /** MNIST pixels (pixel / 255) of image {@code n}. */
    public static float[] pixels(MnistSplit split, int n) {
        float[] px = new float[MnistSplit.PIXELS];
        for (int p = 0; p < px.length; p++) {
            px[p] = split.images().pixel(n, p) / 255f;
        }
        return px;
    }

    /** Writes image {@code n} of {@code split} as a 28x28 grayscale PNG, making its folders. */
    public static Path writePng(MnistSplit split, int n, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(Charts.digitImage(pixels(split, n)), "png", file.toFile());
        return file;
    }

    /** The index of the {@code skip}+1-th image of {@code split} labelled {@code digit}. */
    public static int indexOf(MnistSplit split, int digit, int skip) {
        for (int n = 0; n < split.size(); n++) {
            if (split.label(n) == digit && skip-- == 0) {
                return n;
            }
        }
        throw new IllegalArgumentException("too few images of " + digit);
    }

    /** A learnable MNIST-shaped split (see {@link SyntheticDigits}). */
    public static MnistSplit synthetic(int count, long seed) {
        return SyntheticDigits.split(count, seed);
    }

    /** Writes the four MNIST files for a synthetic train and test split into {@code dir}. */
    public static Path writeSyntheticMnist(Path dir, int trainCount, int testCount) throws IOException {
        return writeMnist(dir, synthetic(trainCount, 1), synthetic(testCount, 2));
    }

    public static Path writeMnist(Path dir, MnistSplit train, MnistSplit test) throws IOException {
        Files.createDirectories(dir);
        write(dir, MnistFile.TRAIN_IMAGES, MnistFile.TRAIN_LABELS, train);
        write(dir, MnistFile.TEST_IMAGES, MnistFile.TEST_LABELS, test);
        return dir;
    }

    private static void write(Path dir, MnistFile images, MnistFile labels, MnistSplit split) throws IOException {
        Files.write(
                dir.resolve(images.fileName()),
                idxImages(0x803, split.size(), 28, 28, split.images().pixels()));
        Files.write(
                dir.resolve(labels.fileName()),
                idxLabels(0x801, split.size(), split.labels().labels()));
    }

    /** The same images with labels shuffled: nothing can be learned from it. */
    public static MnistSplit withShuffledLabels(MnistSplit split, long seed) {
        byte[] labels = split.labels().labels().clone();
        Random random = new Random(seed);
        for (int i = labels.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            byte t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        return new MnistSplit(split.images(), new IdxLabels(labels.length, labels));
    }

    /** A self-signed PKCS12 keystore for 127.0.0.1 made by the JDK's keytool, as a user would make one. */
    public static Path selfSignedKeystore(Path keystore, String password)
            throws java.io.IOException, InterruptedException {
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "server",
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=127.0.0.1",
                        "-ext",
                        "SAN=ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        password,
                        "-keypass",
                        password)
                .redirectErrorStream(true)
                .start();
        String said = new String(keytool.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + said);
        }
        return keystore;
    }
}
