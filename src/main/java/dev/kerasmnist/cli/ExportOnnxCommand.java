package dev.kerasmnist.cli;

import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSummary;
import dev.kerasmnist.model.OnnxExport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Writes one of our models as ONNX, for ONNX Runtime and the other runtimes that read it. */
@Command(
        name = "export-onnx",
        mixinStandardHelpOptions = true,
        description = "Export a saved model (any recipe, import or fine-tune) as ONNX: input \"" + OnnxExport.INPUT
                + "\" float32 [N, 784] (pixels / 255), output \"" + OnnxExport.OUTPUT + "\" float32 [N, 10]."
                + " In Python: onnxruntime.InferenceSession(\"FILE\").")
final class ExportOnnxCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "A saved model zip (with its .json provenance).")
    Path model;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Where to write it (default: MODEL with .onnx for .zip).")
    Path out;

    @Option(
            names = "--opset",
            paramLabel = "N",
            defaultValue = "" + OnnxExport.DEFAULT_OPSET,
            description = "The ONNX opset, " + OnnxExport.MIN_OPSET + " to " + OnnxExport.MAX_OPSET
                    + ". Default: ${DEFAULT-VALUE}.")
    int opset;

    @Override
    public Integer call() throws Exception {
        run(System.out);
        return 0;
    }

    Path run(PrintStream stdout) throws IOException {
        Path target = out != null ? out : new ModelFiles(model).sibling(".onnx");
        OnnxExport.Exported e = OnnxExport.write(model, target, opset);
        stdout.print(ModelSummary.of(e.spec()));
        stdout.println("Wrote " + target + " (ONNX opset " + opset + ", input \"" + OnnxExport.INPUT
                + "\" [N, 784] as pixels / 255, output \"" + OnnxExport.OUTPUT + "\" [N, 10]); in Python:"
                + " onnxruntime.InferenceSession(\"" + target.getFileName() + "\")");
        return target;
    }
}
