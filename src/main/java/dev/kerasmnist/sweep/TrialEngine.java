package dev.kerasmnist.sweep;

import dev.kerasmnist.failures.ProfileBuild;
import dev.kerasmnist.failures.Remedy;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a sweep's trials somewhere: {@link #sequential()} one after another in this JVM, or {@link #spark} as
 * Apache Spark tasks (embedded {@code local[*]}, or a cluster).
 */
public interface TrialEngine extends AutoCloseable {
    /** The engine in words, for the sweep's first line: {@code "Spark 4.0.1, local[*], 2 trials at a time"}. */
    String description();

    /** How tasks reach the MNIST folder {@code dir} of this machine. */
    DataLocation share(Path dir);

    /**
     * Runs every task and hands each outcome to {@code finished} as soon as it is done, on one thread at a time.
     *
     * @throws TrialFailedException when a trial fails; outcomes handed over before stay valid
     */
    void run(List<TrialTask> tasks, Consumer<TrialOutcome> finished);

    @Override
    void close();

    /** A trial that did not finish, with the reason in one line. */
    final class TrialFailedException extends RuntimeException {
        public TrialFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Trials one after another in this JVM, without Spark: the baseline a parallel sweep is measured against. */
    static TrialEngine sequential() {
        return new TrialEngine() {
            @Override
            public String description() {
                return "this JVM, one trial after another";
            }

            @Override
            public DataLocation share(Path dir) {
                Path absolute = dir.toAbsolutePath();
                return () -> absolute;
            }

            @Override
            public void run(List<TrialTask> tasks, Consumer<TrialOutcome> finished) {
                for (TrialTask task : tasks) {
                    TrialOutcome outcome;
                    try {
                        outcome = task.call();
                    } catch (Exception e) {
                        throw new TrialFailedException("trial " + task.trial().key() + " failed: " + e.getMessage(), e);
                    }
                    finished.accept(outcome);
                }
            }

            @Override
            public void close() {}
        };
    }

    /** The Spark engine's class, compiled only in the {@code -Pspark} build. */
    String SPARK_ENGINE = "dev.kerasmnist.sweep.spark.SparkEngine";

    /**
     * Apache Spark at {@code master} ({@code local[*]}, {@code spark://host:7077}; under {@code spark-submit}, the
     * master it set).
     *
     * @throws IllegalStateException when this build was made without Spark
     */
    static TrialEngine spark(String master) {
        return ProfileBuild.instantiate(
                SPARK_ENGINE,
                TrialEngine.class,
                String.class,
                master,
                "this build has no Apache Spark",
                List.of(new Remedy.BuildWithSpark(), new Remedy.SequentialEngine()),
                "Spark did not start");
    }
}
