package dev.kerasmnist.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.files.AtomicFiles;
import dev.kerasmnist.files.Json;
import dev.kerasmnist.model.ModelFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A hyper-parameter sweep: trains every {@link Trial} on an engine, keeps each finished trial in
 * {@code <dir>/trials/} (result, model, provenance, history; written atomically as it arrives), and skips the
 * trials found there when run again. Then the table, best first by validation accuracy ({@code results.csv}), a
 * plot of validation accuracy against each setting ({@code val_accuracy.png}), and the best setting's best seed
 * saved as {@code best.zip}, its provenance naming the sweep and the trial.
 * <pre>{@code
 * List<Trial> trials = SearchSpace.parse("learning-rate=0.001,0.0005 batch-size=64,128")
 *         .grid(Recipe.TUTORIAL, List.of(1L, 2L, 3L), 0.1, Optional.empty());
 * try (TrialEngine spark = TrialEngine.spark("local[*]")) {
 *     Sweep.Result r = Sweep.of("lr-batch", trials, mnistDir).run(spark);
 * }
 * }</pre>
 *
 * @param dir the sweep's folder (default {@code models/sweeps/<name>})
 */
public record Sweep(
        String name,
        List<Trial> trials,
        Path dataDir,
        Mnist.Checksums checksums,
        Path dir,
        List<String> commandLine,
        PrintStream out) {
    private static final ObjectMapper JSON = Json.mapper();

    public Sweep {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(
                    "a sweep's name is letters, digits, '.', '_' and '-', not '" + name + "'");
        }
        if (trials.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one trial");
        }
        trials = List.copyOf(trials.stream()
                .collect(Collectors.toMap(Trial::key, t -> t, (first, again) -> first, LinkedHashMap::new))
                .values()); // a trial listed twice runs once
        commandLine = List.copyOf(commandLine);
    }

    /** {@code trials} on the MNIST folder {@code dataDir}, kept in {@code models/sweeps/<name>}, printing nothing. */
    public static Sweep of(String name, List<Trial> trials, Path dataDir) {
        return new Sweep(
                name,
                trials,
                dataDir,
                Mnist.Checksums.VERIFY,
                Path.of("models", "sweeps", name),
                List.of(),
                new PrintStream(OutputStream.nullOutputStream()));
    }

    public Sweep dir(Path folder) {
        return new Sweep(name, trials, dataDir, checksums, folder, commandLine, out);
    }

    public Sweep checksums(Mnist.Checksums check) {
        return new Sweep(name, trials, dataDir, check, dir, commandLine, out);
    }

    public Sweep commandLine(List<String> line) {
        return new Sweep(name, trials, dataDir, checksums, dir, line, out);
    }

    /** Prints what it runs, each trial as it ends, and the table to {@code stream}. */
    public Sweep output(PrintStream stream) {
        return new Sweep(name, trials, dataDir, checksums, dir, commandLine, stream);
    }

    /**
     * Reads the MNIST folder now, so that a missing or corrupt one is said before an engine starts, not by every
     * trial; read once per JVM, so the sequential engine's trials reuse it.
     */
    public Sweep checkData() throws IOException {
        TrialTask.loaded(dataDir, checksums);
        return this;
    }

    /** What a sweep produced. */
    public record Result(SweepTable table, int ran, int reused, Path csv, Path plot, ModelFiles best) {}

    /**
     * Runs the trials not done yet on {@code engine}, then tables them all.
     *
     * @throws TrialEngine.TrialFailedException when a trial fails (those finished before are kept)
     */
    public Result run(TrialEngine engine) throws IOException {
        Path trialsDir = dir.resolve("trials");
        Files.createDirectories(trialsDir);
        Map<String, TrialResult> done = new LinkedHashMap<>();
        List<TrialTask> todo = new ArrayList<>();
        DataLocation data = null;
        for (Trial trial : trials) {
            Optional<TrialResult> earlier = finished(trial);
            if (earlier.isPresent()) {
                done.put(trial.key(), earlier.get());
            } else {
                data = data != null ? data : engine.share(dataDir);
                todo.add(new TrialTask(trial, name, data, checksums, commandLine));
            }
        }
        long settings = trials.stream().map(Trial::values).distinct().count();
        out.printf(
                "Sweep '%s' of %s: %s x %s = %s%s, %s%n",
                name,
                trials.get(0).recipe().cliName(),
                count(settings, "setting"),
                count(trials.size() / settings, "seed"),
                count(trials.size(), "trial"),
                done.isEmpty() ? "" : " (" + done.size() + " done earlier, kept in " + trialsDir + ")",
                todo.isEmpty() ? "nothing left to run" : "on " + engine.description());
        long start = System.nanoTime();
        int[] finished = {done.size()};
        engine.run(todo, outcome -> {
            save(outcome);
            TrialResult r = outcome.result();
            done.put(r.trial().key(), r);
            finished[0]++;
            out.printf(
                    Locale.ROOT,
                    "[%d/%d] %s seed=%d: val_accuracy %.4f, val_loss %.4f (%s, %.1f s)%n",
                    finished[0],
                    trials.size(),
                    r.trial().settings(),
                    r.trial().seed(),
                    r.valAccuracy(),
                    r.valLoss(),
                    count(r.epochs(), "epoch"),
                    r.seconds());
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!todo.isEmpty()) {
            out.printf(Locale.ROOT, "%s in %.1f s%n", count(todo.size(), "trial"), seconds);
        }

        SweepTable table =
                SweepTable.of(trials.stream().map(t -> done.get(t.key())).toList());
        Path csv = dir.resolve("results.csv");
        AtomicFiles.write(csv, o -> o.write(table.csv().getBytes(StandardCharsets.UTF_8)));
        Path plot = dir.resolve("val_accuracy.png");
        SweepPlot.save(table, plot);
        ModelFiles best = new ModelFiles(dir.resolve("best.zip"));
        ModelFiles from = trialFiles(table.best().best().trial());
        AtomicFiles.writeAll(Map.of(
                best.zip(),
                o -> Files.copy(from.zip(), o),
                best.provenance(),
                o -> Files.copy(from.provenance(), o),
                best.history(),
                o -> Files.copy(from.history(), o)));
        out.print(table.render());
        TrialResult winner = table.best().best();
        out.printf(
                Locale.ROOT,
                "Best: %s seed=%d (val_accuracy %.4f) saved as %s; table in %s, plot in %s%n",
                winner.trial().settings(),
                winner.trial().seed(),
                winner.valAccuracy(),
                best.zip(),
                csv,
                plot);
        return new Result(table, todo.size(), trials.size() - todo.size(), csv, plot, best);
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** A trial's result from an earlier run, if it finished: its result file names the same key, its model is there. */
    private Optional<TrialResult> finished(Trial trial) throws IOException {
        Path result = resultFile(trial);
        if (!Files.isRegularFile(result)
                || !Files.isRegularFile(trialFiles(trial).zip())) {
            return Optional.empty();
        }
        TrialResult r = JSON.readValue(result.toFile(), TrialResult.class);
        return r.trial().key().equals(trial.key()) ? Optional.of(r) : Optional.empty();
    }

    /** Model files first, the result last: a result on disk means its model is complete. */
    private void save(TrialOutcome outcome) {
        Trial trial = outcome.result().trial();
        ModelFiles files = trialFiles(trial);
        try {
            AtomicFiles.writeAll(Map.of(
                    files.zip(),
                    o -> o.write(outcome.model()),
                    files.provenance(),
                    o -> o.write(outcome.provenance()),
                    files.history(),
                    o -> o.write(outcome.history())));
            byte[] result = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(outcome.result());
            AtomicFiles.write(resultFile(trial), o -> o.write(result));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot save trial " + trial.key() + " in " + dir, e);
        }
    }

    private ModelFiles trialFiles(Trial trial) {
        return new ModelFiles(dir.resolve("trials").resolve(trial.id() + ".zip"));
    }

    private Path resultFile(Trial trial) {
        return dir.resolve("trials").resolve(trial.id() + ".result.json");
    }
}
