package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Keras's {@code layers.LSTM(units, activation="tanh", recurrent_activation="sigmoid", return_sequences=False)}
 * over a sequence {@code (timesteps, features)}: for MNIST the 28 rows of 28 pixels. Its weights are
 * {@code kernel (features, 4 units)}, {@code recurrent_kernel (units, 4 units)} and {@code bias (4 units)}, the gates
 * in Keras's order i, f, c, o.
 */
public record LstmSpec(
        int units, KerasActivation activation, KerasActivation recurrentActivation, boolean returnSequences)
        implements LayerSpec {
    public LstmSpec {
        if (units < 1) {
            throw new IllegalArgumentException("LSTM needs at least 1 unit, got " + units);
        }
        if (activation == null || recurrentActivation == null) {
            throw new IllegalArgumentException("LSTM needs an activation and a recurrent activation");
        }
    }

    /** {@code LSTM(units)} with Keras's defaults. */
    public LstmSpec(int units) {
        this(units, KerasActivation.TANH, KerasActivation.SIGMOID, false);
    }

    public LstmSpec withReturnSequences(boolean sequences) {
        return new LstmSpec(units, activation, recurrentActivation, sequences);
    }

    static LstmSpec read(LayerConfig c) {
        for (String flag : new String[] {"go_backwards", "stateful", "return_state", "time_major"}) {
            c.require(!c.flag(flag, false), c.className() + "(" + flag + "=True)");
        }
        if (CUDNN.equals(c.className())) { // cuDNN's one LSTM: tanh, sigmoid gates, a bias
            return new LstmSpec(
                    c.integer("units"),
                    KerasActivation.TANH,
                    KerasActivation.SIGMOID,
                    c.flag("return_sequences", false));
        }
        c.require(c.flag("use_bias", true), "LSTM(use_bias=False)");
        // a config without recurrent_activation predates Keras 2, whose default was hard_sigmoid
        return new LstmSpec(
                c.integer("units"),
                c.activation("activation", KerasActivation.TANH),
                c.activation("recurrent_activation", KerasActivation.HARD_SIGMOID),
                c.flag("return_sequences", false));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("units", units)
                .put("activation", LayerConfig.activationName(activation))
                .put("recurrent_activation", LayerConfig.activationName(recurrentActivation))
                .put("use_bias", true)
                .put("return_sequences", returnSequences)
                .put("return_state", false)
                .put("go_backwards", false)
                .put("stateful", false)
                .put("unroll", false)
                .put("unit_forget_bias", true)
                .put("dropout", 0.0)
                .put("recurrent_dropout", 0.0);
    }

    @Override
    public String kerasClass() {
        return "LSTM";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        if (input.length != 2) {
            throw new IllegalArgumentException("LSTM needs a sequence (timesteps, features), not "
                    + Arrays.toString(input) + ": the input (28, 28) gives the image's rows");
        }
        return returnSequences ? new int[] {input[0], units} : new int[] {units};
    }

    @Override
    public List<KerasVariable> variables(int[] input) {
        return List.of(
                new KerasVariable("kernel", input[1], 4L * units),
                new KerasVariable("recurrent_kernel", units, 4L * units),
                new KerasVariable("bias", 4L * units));
    }

    /** Keras 2's {@code CuDNNLSTM}, read as an LSTM: the same function, its weights in another layout. */
    public static final String CUDNN = "CuDNNLSTM";

    /**
     * Keras 2's CuDNNLSTM variables as its legacy .h5 stores them: {@code kernel (features, 4 units)},
     * {@code recurrent_kernel (units, 4 units)} and {@code bias (8 units)}, cuDNN's input bias then its recurrent one.
     */
    public List<KerasVariable> cudnnVariables(int[] input) {
        return List.of(
                new KerasVariable("kernel", input[1], 4L * units),
                new KerasVariable("recurrent_kernel", units, 4L * units),
                new KerasVariable("bias", 8L * units));
    }

    /**
     * CuDNNLSTM's variables as LSTM's, as Keras 2's loader converts them (hdf5_format._convert_rnn_weights). Its
     * layer hands cuDNN each gate's block of the kernel, {@code (features, units)}, flattened in C order, which cuDNN
     * reads as the {@code (units, features)} matrix W of {@code W x}: LSTM's block is that matrix transposed (for the
     * square recurrent block, the block itself transposed). The two biases add; the gates keep Keras's order i, f, c, o.
     */
    public static List<INDArray> fromCudnn(List<INDArray> w) {
        INDArray kernel = w.get(0);
        INDArray recurrent = w.get(1);
        long units = recurrent.size(0);
        long features = kernel.size(0);
        INDArray k = Nd4j.create(DataType.FLOAT, features, 4 * units);
        INDArray r = Nd4j.create(DataType.FLOAT, units, 4 * units);
        for (long g = 0; g < 4; g++) {
            INDArrayIndex gate = NDArrayIndex.interval(g * units, (g + 1) * units);
            INDArray block = kernel.get(NDArrayIndex.all(), gate).dup('c').reshape('c', units, features);
            k.get(NDArrayIndex.all(), gate).assign(block.transpose());
            r.get(NDArrayIndex.all(), gate)
                    .assign(recurrent.get(NDArrayIndex.all(), gate).transpose());
        }
        INDArray bias = w.get(2).reshape(8 * units);
        INDArray b = bias.get(NDArrayIndex.interval(0, 4 * units))
                .add(bias.get(NDArrayIndex.interval(4 * units, 8 * units)))
                .reshape(4 * units);
        return List.of(k, r, b.castTo(DataType.FLOAT));
    }

    @Override
    public boolean variablesInCell() {
        return true;
    }

    @Override
    public String describe() {
        return "LSTM(" + units + (returnSequences ? ", return_sequences=True" : "") + ")";
    }
}
