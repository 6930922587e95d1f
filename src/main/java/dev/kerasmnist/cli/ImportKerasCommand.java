package dev.kerasmnist.cli;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.keras.KerasImport;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Provenance;
import dev.kerasmnist.training.History;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Imports a Keras model file as one of our models. */
@Command(name = "import-keras", mixinStandardHelpOptions = true,
        description = "Import a Keras model (Keras 2 .h5, Keras 3 .h5 or .keras) that takes 784 pixels ((784,) or "
                + "(28, 28)) to 10 classes, and save it as a model that evaluate, predict and compare take.")
final class ImportKerasCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(paramLabel = "FILE", description = "The Keras model file.")
    Path file;

    @Option(names = "--model", paramLabel = "OUT", description = "Where to save it (default: models/<file name>.zip).")
    Path model;

    /** What an import produced. */
    record Report(KerasImport.Imported imported, ModelFiles files, Provenance provenance) {
    }

    @Override
    public Integer call() throws Exception {
        run(System.out);
        return 0;
    }

    Report run(PrintStream out) throws IOException {
        KerasImport.Imported imported = KerasImport.read(file);
        ModelFiles files = new ModelFiles(model != null ? model
                : ModelFiles.DEFAULT.zip().resolveSibling(baseName(file) + ".zip"));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("source", file.toAbsolutePath().toString());
        details.put("sha256", Mnist.sha256(Files.readAllBytes(file)));
        details.put("format", imported.format().description());
        details.put("keras_version", imported.kerasVersion());
        details.put("backend", imported.backend());
        details.put("layers", String.join(", ", imported.layers()));
        Provenance provenance = new Provenance(Provenance.FORMAT,
                new Provenance.Origin(Provenance.Kind.IMPORTED, file.getFileName().toString(), details),
                Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), Provenance.Build.now(Main.commandLine(command)));
        ModelStore.save(imported.net(), provenance, new History(List.of()).toCsv(), files);
        out.println("Imported " + file + ": " + imported.format().description() + ", Keras "
                + imported.kerasVersion() + " (" + imported.backend() + ")");
        out.println("Keras layers: " + String.join(" -> ", imported.layers()));
        out.print(imported.net().summary());
        out.println("Saved " + files.zip() + " (+ " + files.provenance().getFileName() + "); evaluate it with "
                + "`keras-mnist evaluate --model " + files.zip() + "`");
        return new Report(imported, files, provenance);
    }

    private static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
