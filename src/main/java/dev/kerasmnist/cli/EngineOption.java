package dev.kerasmnist.cli;

import dev.kerasmnist.inference.Engine;
import picocli.CommandLine.Option;

/** {@code --engine}: what runs the forward passes of {@code predict} and {@code serve}. */
final class EngineOption {
    @Option(
            names = "--engine",
            paramLabel = "ENGINE",
            description = "What runs the forward passes: dl4j (default), or onnxruntime: the model converted to ONNX "
                    + "in memory and run by ONNX Runtime (bin/keras-mnist builds with it the first time).")
    Engine engine = Engine.DL4J;
}
