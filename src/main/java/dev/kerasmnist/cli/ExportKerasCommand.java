package dev.kerasmnist.cli;

import dev.kerasmnist.keras.KerasExport;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelLoadException;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.ModelSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Writes one of our models as a Keras 3 file that keras.saving.load_model reads. */
@Command(
        name = "export-keras",
        mixinStandardHelpOptions = true,
        description = "Export a saved model (any recipe, or an imported one) as a Keras 3 file: native .keras"
                + " (default) or legacy .h5. In Python: keras.saving.load_model(\"FILE\").")
final class ExportKerasCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A saved model zip (with its .json provenance).")
    Path model;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Where to write it (default: MODEL with .keras or .h5 for .zip).")
    Path out;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "keras",
            description = "keras (Keras 3 native .keras) or h5 (legacy HDF5). Default: ${DEFAULT-VALUE}.")
    KerasExport.Format format;

    @Override
    public Integer call() throws Exception {
        run(System.out);
        return 0;
    }

    Path run(PrintStream stdout) throws IOException {
        Model net = ModelStore.loadAny(model);
        ModelFiles files = new ModelFiles(model);
        ModelSpec spec = Files.isRegularFile(files.provenance())
                ? ModelStore.readProvenance(files).model().orElse(null)
                : null;
        if (spec == null) {
            throw new ModelLoadException(
                    model + " has no Keras description of its layers (its "
                            + files.provenance().getFileName()
                            + " is missing or predates them); retrain it or import it again, then export",
                    null);
        }
        Path target = out != null ? out : files.sibling("." + format.extension());
        KerasExport.write(net, spec, target, format);
        stdout.print(ModelSummary.of(spec));
        stdout.println(
                "Wrote " + target + " (Keras 3 " + (format == KerasExport.Format.KERAS ? "native .keras" : "legacy .h5")
                        + ", input " + (spec.inputScale() == 255 ? "raw pixels 0..255" : "pixels / 255")
                        + "); in Python: keras.saving.load_model(\"" + target.getFileName() + "\")");
        return target;
    }
}
