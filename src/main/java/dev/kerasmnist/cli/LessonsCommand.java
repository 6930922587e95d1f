package dev.kerasmnist.cli;

import dev.kerasmnist.lessons.Lesson;
import dev.kerasmnist.lessons.Lessons;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs the tutorial's lessons as experiments. */
@Command(
        name = "lessons",
        mixinStandardHelpOptions = true,
        description = "Run the tutorial's lessons as experiments: each prints a table and writes a PNG plot.")
final class LessonsCommand implements Callable<Integer> {
    @Spec
    CommandSpec command;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Lessons to run, or `all` (default: all).")
    List<String> names = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for the plots (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "lessons");

    @Option(names = "--list", description = "List the lessons and exit.")
    boolean list;

    @Override
    public Integer call() throws Exception {
        if (list) {
            Lessons.all().forEach(l -> System.out.printf("%-20s %s%n", l.name(), l.summary()));
            return 0;
        }
        List<Lesson> chosen = new ArrayList<>();
        if (names.isEmpty() || names.contains("all")) {
            chosen.addAll(Lessons.all());
        } else {
            for (String name : names) {
                chosen.add(Lessons.named(name)
                        .orElseThrow(() -> new ParameterException(
                                command.commandLine(),
                                "unknown lesson '" + name + "'; choose from: all, "
                                        + Lessons.all().stream()
                                                .map(Lesson::name)
                                                .collect(Collectors.joining(", ")))));
            }
        }
        Outputs.requireWritable(out, "--out");
        for (Lesson lesson : chosen) {
            System.out.println("== " + lesson.name() + ": " + lesson.summary());
            long start = System.nanoTime();
            Lesson.Outcome outcome = lesson.run(out, System.out);
            System.out.printf("plot: %s (%.1f s)%n%n", outcome.plot(), (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }
}
