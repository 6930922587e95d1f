package dev.kerasmnist.sweep;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.training.Callback;
import dev.kerasmnist.training.Trainer;
import dev.kerasmnist.training.TrainingContext;
import dev.kerasmnist.training.TrainingRun;
import dev.kerasmnist.training.Validation;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One trial as a unit of work for an engine: small and serialisable (the settings and where the data is), run by
 * the same {@link TrainingRun} as {@code train}, in a temporary folder of the machine it lands on.
 *
 * @param sweep       the sweep's name, recorded in the model's provenance
 * @param checksums   whether the MNIST files must be byte-for-byte MNIST
 * @param commandLine the sweep's command line, recorded in the provenance
 */
public record TrialTask(
        Trial trial, String sweep, DataLocation data, Mnist.Checksums checksums, List<String> commandLine)
        implements Serializable {
    /** MNIST read once per JVM (a Spark executor, or this one) and shared by every trial it runs. */
    private static final Map<Path, Mnist> LOADED = new ConcurrentHashMap<>();

    public TrialOutcome call() throws IOException {
        Mnist mnist = loaded(data.dir(), checksums);
        Path dir = Files.createTempDirectory("keras-mnist-trial-");
        try {
            ModelFiles files = new ModelFiles(dir.resolve("trial.zip"));
            ValidationAtEnd validation = new ValidationAtEnd(mnist.train());
            TrainingRun.Result run = TrainingRun.fresh(trial.recipe(), trial.seed())
                    .model(trial.model())
                    .fit(trial.fit())
                    .saveTo(files.zip())
                    .commandLine(commandLine)
                    .originDetails(Map.of("sweep", sweep, "trial", trial.key()))
                    .callbacks(validation)
                    .run(mnist);
            TrialResult result = new TrialResult(
                    trial,
                    validation.score.loss(),
                    validation.score.accuracy(),
                    run.test().loss(),
                    run.test().accuracy(),
                    run.history().epochs().size(),
                    run.history().totalSeconds());
            return new TrialOutcome(
                    result,
                    Files.readAllBytes(files.zip()),
                    Files.readAllBytes(files.provenance()),
                    Files.readAllBytes(files.history()));
        } finally {
            deleteTree(dir);
        }
    }

    static Mnist loaded(Path dir, Mnist.Checksums checksums) throws IOException {
        try {
            return LOADED.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> {
                try {
                    return Mnist.load(d, checksums);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Scores the final weights (the best ones, where early stopping restored them) on the validation split. */
    private static final class ValidationAtEnd implements Callback {
        private final MnistSplit train;
        private Validation.Score score;

        ValidationAtEnd(MnistSplit train) {
            this.train = train;
        }

        @Override
        public void onTrainEnd(TrainingContext context) {
            MnistSplit validation = Trainer.validationData(train, context.fit()).orElseThrow();
            score = Validation.score(context.network(), validation);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
