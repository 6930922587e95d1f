package dev.kerasmnist.cli;

import dev.kerasmnist.data.Mnist;
import dev.kerasmnist.keras.KerasImport;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.ModelSummary;
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
@Command(
        name = "import-keras",
        mixinStandardHelpOptions = true,
        description = "Import a Keras model (Keras 2 .h5, Keras 3 .h5 or .keras) that takes 784 pixels ((784,), "
                + "(28, 28), (28, 28, 1) or (1, 28, 28)) to 10 classes, and save it as a model that evaluate, predict,"
                + " compare, serve and train --from take.")
final class ImportKerasCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec command;

    @Parameters(paramLabel = "FILE", description = "The Keras model file.")
    Path file;

    @Option(names = "--model", paramLabel = "OUT", description = "Where to save it (default: models/<file name>.zip).")
    Path model;

    @Option(
            names = "--input-scale",
            paramLabel = "SCALE",
            defaultValue = "1",
            description = "What a white pixel was when the model was trained: 1 (pixels / 255, as in the tutorial;"
                    + " default) or 255 (raw pixels, for a model trained on 0..255 without a Rescaling layer, which"
                    + " no file records). A model that starts with Rescaling(1/255) is read as 255 by itself.")
    double inputScale;

    /** What an import produced. */
    record Report(KerasImport.Imported imported, ModelFiles files, Provenance provenance) {}

    @Override
    public Integer call() throws Exception {
        run(System.out);
        return 0;
    }

    Report run(PrintStream out) throws IOException {
        if (inputScale != 1 && inputScale != 255) {
            throw new picocli.CommandLine.ParameterException(
                    command.commandLine(), "--input-scale is 1 (pixels / 255) or 255 (raw pixels), not " + inputScale);
        }
        KerasImport.Imported imported = KerasImport.read(file, inputScale);
        ModelFiles files = new ModelFiles(
                model != null ? model : ModelFiles.DEFAULT.zip().resolveSibling(baseName(file) + ".zip"));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("source", file.toAbsolutePath().toString());
        details.put("sha256", Mnist.sha256(Files.readAllBytes(file)));
        details.put("format", imported.format().description());
        details.put("keras_version", imported.kerasVersion());
        details.put("backend", imported.backend());
        details.put("layers", String.join(", ", imported.layers()));
        details.put("input_scale", imported.spec().inputScale() == 255 ? "255 (raw pixels)" : "1 (pixels / 255)");
        details.put("compiled_optimizer", imported.optimizer().describe());
        details.put(
                "compiled_optimizer_config",
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(imported.optimizer()));
        Provenance provenance = new Provenance(
                Provenance.FORMAT,
                new Provenance.Origin(
                        Provenance.Kind.IMPORTED, file.getFileName().toString(), details),
                Optional.of(imported.spec()),
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Provenance.Build.now(Main.commandLine(command)));
        ModelStore.save(imported.net(), provenance, new History(List.of()).toCsv(), files);
        out.println("Imported " + file + ": " + imported.format().description() + ", Keras " + imported.kerasVersion()
                + " (" + imported.backend() + ")");
        out.println("Keras layers: " + String.join(" -> ", imported.layers()));
        out.println("Input scale: " + details.get("input_scale"));
        for (KerasImport.Warning w : imported.warnings()) {
            command.commandLine().getErr().println("warning: " + w.message() + "; " + Remedies.words(w.remedies()));
        }
        out.print(ModelSummary.of(imported.spec()));
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
