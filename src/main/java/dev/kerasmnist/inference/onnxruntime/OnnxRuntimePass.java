package dev.kerasmnist.inference.onnxruntime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.inference.ForwardPass;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * A classifier's forward pass in ONNX Runtime. {@code ForwardPass.onnxRuntime} finds it by name: it is compiled only
 * in the {@code onnxruntime} Maven profile's build, so the default build downloads nothing of ONNX Runtime.
 */
public final class OnnxRuntimePass implements ForwardPass {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String input;

    /** A session with all graph optimisations on the model in {@code onnxModel}, one input and one output. */
    public OnnxRuntimePass(byte[] onnxModel) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // as many threads as DL4J's OpenMP gets: the cores this JVM may use, not ORT's count of the host's
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            session = env.createSession(onnxModel, options);
        }
        input = session.getInputNames().iterator().next();
    }

    @Override
    public void run(FloatBuffer pixels, int images, float[] probabilities) {
        long[] shape = {images, MnistSplit.PIXELS};
        try (OnnxTensor x = OnnxTensor.createTensor(env, pixels, shape);
                OrtSession.Result result = session.run(Map.of(input, x))) {
            ((OnnxTensor) result.get(0)).getFloatBuffer().get(probabilities, 0, images * MnistSplit.CLASSES);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String description() {
        return "ONNX Runtime " + env.getVersion();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime did not close its session: " + e.getMessage(), e);
        }
    }
}
