package dev.kerasmnist.cli;

import dev.kerasmnist.sweep.SearchSpace;
import dev.kerasmnist.sweep.Sweep;
import dev.kerasmnist.sweep.Trial;
import dev.kerasmnist.sweep.TrialEngine;
import dev.kerasmnist.training.Recipe;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Trains a recipe over a grid or a random sample of settings: options in, {@link Sweep} out. */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = "Train a recipe over a grid (or a random sample) of settings and seeds, each trial an Apache "
                + "Spark task (embedded local[*] by default), scored on a validation split; print the table, save "
                + "it as CSV with a plot, and save the best model. Run again, it skips the trials already done.")
final class SweepCommand implements Callable<Integer> {
    /** Where the trials run. */
    enum Engine {
        SPARK,
        SEQUENTIAL
    }

    @Spec
    CommandSpec command;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(
            names = "--recipe",
            paramLabel = "NAME",
            description = "The recipe whose settings vary: tutorial (default), tuned-mlp, convnet.")
    Recipe recipe = Recipe.TUTORIAL;

    @Option(
            names = "--grid",
            paramLabel = "SETTINGS",
            description = "The settings to try, e.g. 'learning-rate="
                    + "0.001,0.0005 batch-size=64,128': every combination. Settings: learning-rate, batch-size, epochs, "
                    + "dropout, augment (true,false), rmsprop-epsilon (OUTSIDE_SQRT,INSIDE_SQRT). With --samples, "
                    + "name=LOW..HIGH is a range (log-uniform for learning-rate and batch-size).")
    String grid = "";

    @Option(
            names = "--samples",
            paramLabel = "N",
            description = "Random search: draw N settings from --grid's "
                    + "ranges and lists instead of taking every combination.")
    Integer samples;

    @Option(
            names = "--sample-seed",
            paramLabel = "S",
            description = "Seeds the draws of --samples, so the same "
                    + "command draws the same trials (default: ${DEFAULT-VALUE}).")
    long sampleSeed = 1;

    @Option(
            names = "--seeds",
            split = ",",
            paramLabel = "S",
            description = "Seeds of every setting, e.g. 1,2,3 "
                    + "(default: ${DEFAULT-VALUE}); the table shows the mean and spread over them.")
    List<Long> seeds = List.of(1L);

    @Option(
            names = "--validation-split",
            paramLabel = "F",
            description = "Fraction held out from the end of the "
                    + "training set to score the trials (default: ${DEFAULT-VALUE}); the test set never chooses.")
    double validationSplit = 0.1;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer limit;

    @Option(names = "--name", paramLabel = "NAME", description = "The sweep's name (default: the recipe's).")
    String name;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Where the trials, table, plot and best model go (default: models/sweeps/NAME).")
    Path dir;

    @Option(
            names = "--engine",
            paramLabel = "ENGINE",
            description = "spark (default): trials as Spark tasks, in "
                    + "parallel; sequential: one after another in this JVM, without Spark.")
    Engine engine = Engine.SPARK;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description =
                    "Spark's master: local[*] (default, embedded: "
                            + "one trial per core), local[N], or spark://HOST:7077 for a cluster. Under spark-submit, its --master.")
    String master = "local[*]";

    @Override
    public Integer call() throws Exception {
        run(System.out);
        return 0;
    }

    Sweep.Result run(PrintStream out) throws Exception {
        Terminal.warnIfSpinning(out);
        Sweep sweep = configured(out);
        Outputs.requireWritable(sweep.dir(), "--dir");
        sweep = sweep.checkData(); // a missing or corrupt MNIST is said before Spark starts
        try (TrialEngine trials = engine == Engine.SPARK ? TrialEngine.spark(master) : TrialEngine.sequential()) {
            return sweep.run(trials);
        }
    }

    /** The sweep the options describe; a bad value is a usage error (exit 2), found before Spark starts. */
    private Sweep configured(PrintStream out) throws Exception {
        List<Trial> trials;
        try {
            if (engine == Engine.SEQUENTIAL
                    && command.commandLine().getParseResult().hasMatchedOption("--master")) {
                throw new IllegalArgumentException("--master is Spark's: drop it, or --engine spark");
            }
            SearchSpace space = SearchSpace.parse(grid);
            Optional<Integer> images = Optional.ofNullable(limit);
            trials = samples == null
                    ? space.grid(recipe, seeds, validationSplit, images)
                    : space.sample(samples, sampleSeed, recipe, seeds, validationSplit, images);
            String sweepName = name != null ? name : recipe.cliName();
            Sweep sweep = Sweep.of(sweepName, trials, data.locate(true, out))
                    .checksums(data.checksums())
                    .commandLine(Main.commandLine(command))
                    .output(out);
            return dir != null ? sweep.dir(dir) : sweep;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), "invalid option: " + Remedies.line(e));
        }
    }
}
