package dev.kerasmnist.inference;

import dev.kerasmnist.failures.ProfileBuild;
import dev.kerasmnist.failures.Remedy;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A forward pass that another engine than DL4J runs for a {@link DigitClassifier}: MNIST pixels in, probabilities
 * out. Implementations keep native resources until closed.
 */
public interface ForwardPass extends AutoCloseable {

    /**
     * @param pixels        {@code images * 784} values, image after image, as pixel / 255; from position 0 to its limit
     * @param images        how many images
     * @param probabilities filled with {@code images * 10} probabilities, image after image
     */
    void run(FloatBuffer pixels, int images, float[] probabilities);

    /** The engine in words, with its version: {@code "ONNX Runtime 1.20.0"}. */
    String description();

    @Override
    void close();

    /** The ONNX Runtime pass's class, compiled only in the {@code onnxruntime} Maven profile's build. */
    String ONNX_RUNTIME = "dev.kerasmnist.inference.onnxruntime.OnnxRuntimePass";

    /**
     * An ONNX Runtime session on {@code onnxModel} (the bytes of an {@code .onnx} file whose input is {@code [N, 784]}
     * pixels and output {@code [N, 10]} probabilities), with all graph optimisations.
     *
     * @throws dev.kerasmnist.failures.FailureException when this build has no ONNX Runtime
     */
    static ForwardPass onnxRuntime(byte[] onnxModel) {
        return ProfileBuild.instantiate(
                ONNX_RUNTIME,
                ForwardPass.class,
                byte[].class,
                onnxModel,
                "this build has no ONNX Runtime",
                List.of(new Remedy.BuildWithOnnxRuntime(), new Remedy.Dl4jEngine()),
                "ONNX Runtime did not load the model");
    }
}
