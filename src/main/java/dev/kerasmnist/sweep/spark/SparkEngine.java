package dev.kerasmnist.sweep.spark;

import dev.kerasmnist.sweep.DataLocation;
import dev.kerasmnist.sweep.TrialEngine;
import dev.kerasmnist.sweep.TrialOutcome;
import dev.kerasmnist.sweep.TrialTask;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trials as Apache Spark tasks: each trial is a one-task job, submitted together so Spark's scheduler runs as many
 * at once as the executors have cores, and each outcome comes back to the driver as soon as its task ends (so an
 * interrupted sweep keeps every finished trial). The MNIST files are handed to Spark once ({@code addFile}):
 * each executor fetches them once and its trials read them once ({@link TrialTask}); tasks carry only their
 * settings.
 */
public final class SparkEngine implements TrialEngine {
    private final JavaSparkContext spark;
    private final int threadsPerTrial;
    /** The MNIST folder handed to Spark, null before the first sweep. */
    private Path shared;

    /** Starts Spark at {@code master}, unless {@code spark-submit} already chose one. */
    public SparkEngine(String master) {
        SparkConf conf = new SparkConf()
                .setAppName("keras-mnist sweep")
                .setIfMissing("spark.master", master)
                .setIfMissing("spark.ui.enabled", "false") // a web UI on port 4040 nobody asked for
                // OpenMP spin-waiting halves ND4J's speed on few cores; executors started by a cluster need it too
                .setIfMissing("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE")
                // one trial per core: a trial keeps a core busy for all its epochs
                .setIfMissing("spark.task.cpus", "1");
        if (!conf.get("spark.master").startsWith("local")) {
            // A cluster's executors need this program and DL4J; Spark, Scala and Hadoop are theirs already.
            conf.setJars(applicationJars(conf));
        }
        spark = new JavaSparkContext(conf);
        threadsPerTrial = conf.getInt("spark.task.cpus", 1);
    }

    @Override
    public String description() {
        return "Apache Spark " + spark.version() + ", master " + spark.master() + ", up to "
                + spark.defaultParallelism() + " trials at a time";
    }

    /**
     * Hands Spark the folder's files (a cluster takes files, not folders): each executor fetches them once into
     * its SparkFiles folder, where the trials find them by their names.
     */
    @Override
    public synchronized DataLocation share(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        if (shared != null && !shared.equals(absolute)) {
            // Spark keeps one file per name for the whole context
            throw new IllegalStateException("this Spark engine serves the MNIST files of " + shared + " already; "
                    + "close it and start another for " + absolute);
        }
        if (shared != null) {
            return () -> Path.of(SparkFiles.getRootDirectory());
        }
        shared = absolute;
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(Files::isRegularFile)
                    .forEach(f -> spark.sc().addFile(f.toAbsolutePath().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        return () -> Path.of(SparkFiles.getRootDirectory());
    }

    @Override
    public void run(List<TrialTask> tasks, Consumer<TrialOutcome> finished) {
        if (tasks.isEmpty()) {
            return;
        }
        // One submitting thread per trial: each waits on its own job, so results come back in the order they end.
        ExecutorService submitters = Executors.newFixedThreadPool(Math.min(tasks.size(), 256), r -> {
            Thread t = new Thread(r, "sweep-submit");
            t.setDaemon(true);
            return t;
        });
        CompletionService<TrialOutcome> done = new ExecutorCompletionService<>(submitters);
        List<Future<TrialOutcome>> jobs = new ArrayList<>();
        try {
            for (TrialTask task : tasks) {
                jobs.add(done.submit(() -> {
                    spark.setJobDescription(task.trial().key());
                    int threads = threadsPerTrial;
                    return spark.parallelize(List.of(task), 1)
                            .map(t -> {
                                limitThreads(threads);
                                return t.call();
                            })
                            .collect()
                            .get(0);
                }));
            }
            for (int i = 0; i < tasks.size(); i++) {
                finished.accept(done.take().get());
            }
        } catch (ExecutionException e) {
            spark.cancelAllJobs();
            throw new TrialFailedException("a trial failed: " + rootMessage(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            spark.cancelAllJobs();
            Thread.currentThread().interrupt();
            throw new TrialFailedException("the sweep was interrupted", e);
        } finally {
            jobs.forEach(j -> j.cancel(true));
            submitters.shutdownNow();
        }
    }

    @Override
    public void close() {
        spark.close();
    }

    /**
     * ND4J's and OpenBLAS's threads for the trials of one executor: each of its cores runs a trial, and ND4J's
     * default (a thread per core, in every trial) oversubscribes them. Measured on 2 cores, 4 tutorial trials:
     * 15.9 s with ND4J's default, 10.3 s with one thread each, 13.2 s one trial after another (README).
     */
    static void limitThreads(int threads) {
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /** The innermost message: Spark wraps a task's exception in its own job-abort text. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() != null ? t.getMessage() : t.toString();
        return message.lines().findFirst().orElse(message); // Spark appends the serialisation stack, or a trace
    }

    /**
     * What a cluster's executors need of this JVM: this program's jar and the jars its manifest names (DL4J and the
     * rest, in target/lib), the jars on the class path, and those spark-submit was given; not Spark's, Scala's or
     * Hadoop's, nor those of the Spark installation running us, which the cluster has.
     */
    private static String[] applicationJars(SparkConf conf) {
        Path self;
        try {
            self = Path.of(SparkEngine.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot find this program's jar: " + e.getMessage(), e);
        }
        if (!self.toString().endsWith(".jar")) {
            throw new IllegalStateException("a Spark cluster runs this program's jar, and this run comes from " + self
                    + ": build the jar with `mvn -Pspark package` and run from it (or spark-submit it)");
        }
        List<Path> jars = new ArrayList<>();
        Arrays.stream(conf.get("spark.jars", "").split(","))
                .filter(j -> !j.isBlank())
                .map(j -> j.startsWith("file:") ? Path.of(java.net.URI.create(j)) : Path.of(j))
                .forEach(jars::add);
        jars.add(self);
        jars.addAll(manifestClassPath(self));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                Path jar = Path.of(entry).toAbsolutePath();
                jars.add(jar);
                jars.addAll(manifestClassPath(jar));
            }
        }
        Optional<Path> sparkHome = Optional.ofNullable(System.getenv("SPARK_HOME"))
                .map(h -> Path.of(h).toAbsolutePath());
        return jars.stream()
                .map(j -> j.toAbsolutePath().normalize())
                .distinct()
                .filter(jar -> {
                    String name = jar.getFileName().toString();
                    return !(name.startsWith("spark-") || name.startsWith("scala-") || name.startsWith("hadoop-"))
                            && sparkHome.map(home -> !jar.startsWith(home)).orElse(true);
                })
                .map(Path::toString)
                .toArray(String[]::new);
    }

    private static List<Path> manifestClassPath(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String classPath =
                    manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return List.of();
            }
            return Arrays.stream(classPath.trim().split("\\s+"))
                    .map(p -> jar.resolveSibling(p).normalize())
                    .toList();
        } catch (IOException e) {
            return List.of(); // not a jar we can read: Spark will say so when it ships it
        }
    }
}
