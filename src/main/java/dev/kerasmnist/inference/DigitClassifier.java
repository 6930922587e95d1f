package dev.kerasmnist.inference;

import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.ModelLoadException;
import dev.kerasmnist.model.ModelStore;
import dev.kerasmnist.model.Networks;
import dev.kerasmnist.model.OnnxExport;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Predicts handwritten digits with a trained model.
 *
 * <pre>{@code
 * DigitClassifier classifier = DigitClassifier.load(Path.of("models/mnist-mlp.zip"));
 * Prediction p = classifier.predict(Path.of("digit.png"));
 * }</pre>
 *
 * <p>Thread-safe: DL4J's {@code output()} keeps per-call state in the network, so concurrent calls on one network
 * are not safe; this class serialises them on the network. For throughput, predict a batch in one call.
 *
 * <p>On {@link Engine#ONNX_RUNTIME} the forward passes run in ONNX Runtime, on the network converted to ONNX when
 * it is loaded; close the classifier to free that session.
 */
public final class DigitClassifier implements AutoCloseable {
    private static final int INPUTS = MnistSplit.PIXELS;
    private static final int CLASSES = MnistSplit.CLASSES;

    private final Model net;
    /** Another engine's forward pass over {@link #net}'s weights, or null to run DL4J's. */
    private final ForwardPass pass;
    /** Guarded by {@code net}. */
    private INDArray input;
    /** The other engine's input, reused while it is large enough. Guarded by {@code net}. */
    private FloatBuffer passInput;

    /**
     * Wraps a network that takes 784 inputs and gives 10 probabilities.
     *
     * @param net a trained network, e.g. from {@link ModelStore#load(Path)} or {@code KerasToDl4j.build}, which
     *            install the fast path (the matrix-vector product for single images)
     * @throws IllegalArgumentException if the network has another shape
     */
    public DigitClassifier(Model net) {
        this(net, null);
    }

    private DigitClassifier(Model net, ForwardPass pass) {
        String wrongShape = Networks.mnistProblem(net);
        if (wrongShape != null) {
            throw new IllegalArgumentException("the network " + wrongShape);
        }
        this.net = net;
        this.pass = pass;
    }

    /**
     * Loads a model saved by {@code train} or {@code import-keras} (or any DL4J MultiLayerNetwork zip of the right
     * shape).
     *
     * @param model the model zip, e.g. {@code models/mnist-mlp.zip}
     * @return a classifier for it
     * @throws ModelLoadException if the file is missing, not a DL4J model, or not shaped 784 -> 10
     */
    public static DigitClassifier load(Path model) throws ModelLoadException {
        return new DigitClassifier(ModelStore.loadAny(model));
    }

    /**
     * Loads a saved model to run on {@code engine}. For {@link Engine#ONNX_RUNTIME} the model is converted to ONNX
     * in memory (as {@code OnnxExport} writes it, opset {@value OnnxExport#DEFAULT_OPSET}) and ONNX Runtime runs it.
     *
     * @throws ModelLoadException if the file is missing, not a DL4J model, not shaped 784 -> 10, or (for ONNX
     *                            Runtime) without the description of its layers that the conversion needs
     * @throws IllegalArgumentException for a layer with no exact ONNX form, naming it
     * @throws dev.kerasmnist.failures.FailureException when the build has no ONNX Runtime
     */
    public static DigitClassifier load(Path model, Engine engine) throws IOException {
        if (engine == Engine.DL4J) {
            return load(model);
        }
        OnnxExport.Source source = OnnxExport.read(model);
        String wrongShape = Networks.mnistProblem(source.net());
        if (wrongShape != null) {
            throw new ModelLoadException(model + ": the network " + wrongShape, null);
        }
        return new DigitClassifier(source.net(), ForwardPass.onnxRuntime(source.bytes(OnnxExport.DEFAULT_OPSET)));
    }

    /** What runs the forward passes, in words: {@code "DL4J"}, {@code "ONNX Runtime 1.20.0"}. */
    public String engine() {
        return pass == null ? "DL4J" : pass.description();
    }

    /**
     * Predicts one image given as MNIST pixels.
     *
     * @param pixels 784 values in [0, 1], row-major, white ink on black (as {@code pixel / 255f})
     * @return the prediction
     * @throws IllegalArgumentException if there are not 784 values or one is outside [0, 1]
     */
    public Prediction predict(float[] pixels) {
        return predict(List.of(pixels)).get(0);
    }

    /**
     * Predicts a batch of images given as MNIST pixels, in one forward pass.
     *
     * @param images each 784 values in [0, 1]
     * @return one prediction per image, in order
     * @throws IllegalArgumentException if an image has not 784 values or one outside [0, 1]
     */
    public List<Prediction> predict(List<float[]> images) {
        if (images.isEmpty()) {
            return List.of();
        }
        int n = images.size();
        for (int i = 0; i < n; i++) {
            check(images.get(i), i);
        }
        float[] probabilities = new float[n * CLASSES];
        synchronized (net) {
            if (pass != null) {
                FloatBuffer in = passInput(n);
                for (int i = 0; i < n; i++) {
                    in.put(images.get(i), 0, INPUTS);
                }
                pass.run(in.flip(), n, probabilities);
                return predictions(probabilities, n);
            }
            // Bulk copies in and out around one forward pass: ND4J's create(float[][]) and getRow(i) copy element by
            // element, which cost more than the forward pass itself.
            INDArray input = batchInput(n);
            // through a buffer, whose bulk puts the JIT compiles to copies: FloatPointer's are a JNI call each
            FloatBuffer in = new FloatPointer(input.data().addressPointer())
                    .capacity((long) n * INPUTS)
                    .asBuffer();
            for (int i = 0; i < n; i++) {
                in.put(i * INPUTS, images.get(i), 0, INPUTS);
            }
            // host memory written: on a GPU backend this syncs with the device (CPU: a no-op)
            Nd4j.getAffinityManager().tagLocation(input, AffinityManager.Location.HOST);
            Networks.predict(net, input, probabilities);
        }
        return predictions(probabilities, n);
    }

    private static List<Prediction> predictions(float[] probabilities, int n) {
        List<Prediction> predictions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            predictions.add(Prediction.of(Arrays.copyOfRange(probabilities, i * CLASSES, (i + 1) * CLASSES)));
        }
        return predictions;
    }

    /** An input array of {@code rows} images, reused while the batch size stays the same (callers hold the lock). */
    private INDArray batchInput(int rows) {
        if (input == null || input.size(0) != rows) {
            input = Nd4j.createUninitializedDetached(DataType.FLOAT, rows, INPUTS);
        }
        return input;
    }

    /** A direct buffer for {@code rows} images, cleared, reused while large enough (callers hold the lock). */
    private FloatBuffer passInput(int rows) {
        int floats = rows * INPUTS;
        if (passInput == null || passInput.capacity() < floats) {
            passInput = ByteBuffer.allocateDirect(Float.BYTES * floats)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        }
        return passInput.clear().limit(floats);
    }

    /**
     * Predicts a picture of a digit of any size, preprocessed as MNIST was made (see {@link MnistPreprocessor}).
     *
     * @param image the picture, dark-on-light or light-on-dark
     * @return the prediction
     */
    public Prediction predict(BufferedImage image) {
        return predict(MnistPreprocessor.toMnist(image));
    }

    /**
     * Predicts a PNG, JPEG, BMP or GIF file.
     *
     * @param imageFile the file
     * @return the prediction
     * @throws ImageLoadException if the file is missing, not an image, or too large
     */
    public Prediction predict(Path imageFile) throws ImageLoadException {
        return predict(ImageDecoder.read(imageFile));
    }

    /**
     * The underlying DL4J network, for what this class does not cover. Not thread-safe.
     *
     * @return the network
     */
    public Model network() {
        return net;
    }

    /** Frees the other engine's session, if any; DL4J's network is left to the garbage collector. */
    @Override
    public void close() {
        if (pass != null) {
            synchronized (net) {
                pass.close();
            }
        }
    }

    private static void check(float[] pixels, int index) {
        if (pixels.length != INPUTS) {
            throw new IllegalArgumentException("image " + index + " has " + pixels.length
                    + " pixels; expected " + INPUTS + " (" + MnistSplit.ROWS + "x" + MnistSplit.COLS
                    + "). Use predict(BufferedImage) for other sizes");
        }
        int outside = 0;
        for (float v : pixels) { // a count without branches, which the JIT vectorises (2.5x Math.min/max); NaN counts
            outside += (v >= 0f & v <= 1f) ? 0 : 1;
        }
        if (outside > 0) {
            for (float v : pixels) {
                if (!(v >= 0f && v <= 1f)) {
                    throw new IllegalArgumentException(
                            "image " + index + " has pixel value " + v + "; expected [0, 1] (pixel / 255f)");
                }
            }
        }
    }
}
