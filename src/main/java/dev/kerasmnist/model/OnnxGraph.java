package dev.kerasmnist.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.shade.protobuf.ByteString;

/**
 * An ONNX graph being written, in the terms the layers' mappings use ({@link Dl4jMapping#onnx}): values with their
 * Keras shapes, nodes, constants from the DL4J model's trained weights, and the layout of feature maps.
 *
 * <p>Layouts. A value holds Keras's layout, {@code [N] + shape}, except feature maps of a channels-last model after a
 * layer that needs ONNX's NCHW (Conv, pooling, padding, normalisation): those stay NCHW ({@link Value#transposed})
 * until a layer needs Keras's order again (Flatten, Reshape, Softmax, Concatenate), which transposes them back. So a
 * convnet transposes once after its input and once before its Flatten, whatever its depth.
 */
final class OnnxGraph {
    /**
     * One value flowing through the graph.
     *
     * @param name       its ONNX name
     * @param shape      its Keras shape, without the batch axis
     * @param transposed whether it holds channels-last feature maps as NCHW (ONNX's order) rather than Keras's NHWC
     */
    record Value(String name, int[] shape, boolean transposed) {
        Value to(String newName, int[] newShape) {
            return new Value(newName, newShape, transposed);
        }
    }

    /**
     * What a layer's ONNX form is given.
     *
     * @param values  the values it takes (one, or several for a layer that joins branches)
     * @param out     its Keras output shape
     * @param weights its Keras variables (in Keras's order and layout), read from the DL4J model's parameters
     */
    record In(List<Value> values, int[] out, List<INDArray> weights) {
        Value value() {
            return values.get(0);
        }

        INDArray weight(int i) {
            return weights.get(i);
        }
    }

    /** A node's attribute. */
    record Attr(Onnx.AttributeProto proto) {}

    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private final int opset;
    private final DataFormat modelFormat;
    private int counter;
    private String prefix = "";

    OnnxGraph(int opset, DataFormat modelFormat) {
        this.opset = opset;
        this.modelFormat = modelFormat;
    }

    int opset() {
        return opset;
    }

    Onnx.GraphProto.Builder proto() {
        return graph;
    }

    /** Names the values and constants that follow after the layer being written ({@code dense_1/...}). */
    void layer(String name) {
        prefix = name + "/";
    }

    private String fresh(String hint) {
        return prefix + hint + "_" + counter++;
    }

    /** Refuses a layer that has no exact ONNX form, in one line naming it. */
    static IllegalArgumentException refuse(LayerSpec layer, String why) {
        return new IllegalArgumentException(layer.describe() + " has no exact ONNX form (" + why + ")");
    }

    // ---- nodes

    /** A node with one output; returns the output's name. */
    String node(String op, List<String> inputs, Attr... attrs) {
        return nodes(op, inputs, 1, attrs).get(0);
    }

    /** A node with {@code outputs} outputs; returns their names. */
    List<String> nodes(String op, List<String> inputs, int outputs, Attr... attrs) {
        Onnx.NodeProto.Builder n =
                graph.addNodeBuilder().setOpType(op).setName(fresh(op)).addAllInput(inputs);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            String name = fresh(op.toLowerCase(java.util.Locale.ROOT));
            n.addOutput(name);
            out.add(name);
        }
        for (Attr a : attrs) {
            n.addAttribute(a.proto());
        }
        return out;
    }

    Value unary(String op, Value in, Attr... attrs) {
        return in.to(node(op, List.of(in.name()), attrs), in.shape());
    }

    static Attr attr(String name, long value) {
        return new Attr(Onnx.AttributeProto.newBuilder()
                .setName(name)
                .setType(Onnx.AttributeProto.AttributeType.INT)
                .setI(value)
                .build());
    }

    static Attr attr(String name, double value) {
        return new Attr(Onnx.AttributeProto.newBuilder()
                .setName(name)
                .setType(Onnx.AttributeProto.AttributeType.FLOAT)
                .setF((float) value)
                .build());
    }

    static Attr attr(String name, String value) {
        return new Attr(Onnx.AttributeProto.newBuilder()
                .setName(name)
                .setType(Onnx.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value))
                .build());
    }

    static Attr ints(String name, long... values) {
        Onnx.AttributeProto.Builder a =
                Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        Arrays.stream(values).forEach(a::addInts);
        return new Attr(a.build());
    }

    static Attr floats(String name, List<Double> values) {
        Onnx.AttributeProto.Builder a =
                Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOATS);
        values.forEach(v -> a.addFloats(v.floatValue()));
        return new Attr(a.build());
    }

    static Attr strings(String name, List<String> values) {
        Onnx.AttributeProto.Builder a =
                Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRINGS);
        values.forEach(v -> a.addStrings(ByteString.copyFromUtf8(v)));
        return new Attr(a.build());
    }

    // ---- constants

    /** A float32 constant (an initializer) holding {@code array} in C order, with its shape. */
    String constant(String hint, INDArray array) {
        INDArray c = array.castTo(DataType.FLOAT).dup('c');
        float[] values = c.length() == 0 ? new float[0] : c.data().asFloat();
        return constant(hint, values, c.shape());
    }

    /** A float32 constant of the given shape. */
    String constant(String hint, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        bytes.flip();
        String name = fresh(hint);
        Onnx.TensorProto.Builder t = graph.addInitializerBuilder()
                .setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(bytes));
        Arrays.stream(dims).forEach(t::addDims);
        return name;
    }

    /** A float32 scalar constant. */
    String scalar(String hint, double value) {
        return constant(hint, new float[] {(float) value});
    }

    /** An int64 vector constant (shapes, axes, pads). */
    String int64s(String hint, long... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            bytes.putLong(v);
        }
        bytes.flip();
        String name = fresh(hint);
        graph.addInitializerBuilder()
                .setName(name)
                .setDataType(Onnx.TensorProto.DataType.INT64_VALUE)
                .addDims(values.length)
                .setRawData(ByteString.copyFrom(bytes));
        return name;
    }

    /**
     * Reorders the gate blocks of {@code a}'s rows ({@code order.length} blocks of {@code size} rows): Keras's
     * {@code i, f, c, o} as ONNX's {@code i, o, f, c} is {@code order} 0, 3, 1, 2.
     */
    static INDArray blocks(INDArray a, int size, int... order) {
        INDArray[] parts = new INDArray[order.length];
        for (int i = 0; i < order.length; i++) {
            parts[i] = a.get(
                    NDArrayIndex.interval((long) order[i] * size, (long) (order[i] + 1) * size), NDArrayIndex.all());
        }
        return Nd4j.concat(0, parts);
    }

    // ---- layouts

    /** The value in Keras's layout ({@code [N] + shape}), transposing NCHW feature maps back to NHWC. */
    Value keras(Value v) {
        if (!v.transposed()) {
            return v;
        }
        return new Value(node("Transpose", List.of(v.name()), ints("perm", 0, 2, 3, 1)), v.shape(), false);
    }

    /** Feature maps of Keras format {@code format} as ONNX's NCHW. */
    Value nchw(Value v, DataFormat format) {
        if (v.shape().length != 3) {
            throw new IllegalArgumentException("feature maps of rank 3 expected, not " + Arrays.toString(v.shape()));
        }
        if (format == DataFormat.CHANNELS_FIRST || v.transposed()) {
            return v;
        }
        return new Value(node("Transpose", List.of(v.name()), ints("perm", 0, 3, 1, 2)), v.shape(), true);
    }

    /** The ONNX axis of Keras axis {@code d} (without the batch axis) of a value. */
    static int onnxAxis(Value v, int d) {
        return v.transposed() ? new int[] {2, 3, 1}[d] : d + 1;
    }

    /** The model's data format for feature maps (channels-last unless an image layer says otherwise). */
    DataFormat modelFormat() {
        return modelFormat;
    }

    /** The NCHW shape of feature maps {@code shape} in {@code format}: {@code [c, h, w]}. */
    static int[] chw(int[] shape, DataFormat format) {
        return new int[] {format.channels(shape), format.rows(shape), format.cols(shape)};
    }

    /**
     * Explicit {@code [top, left, bottom, right]} pads of a 2-D window over {@code chw} maps, as Keras pads: none for
     * valid, TensorFlow's split (the odd pixel at the bottom and right) for same.
     */
    static long[] pads(Padding padding, int[] chw, Size2D kernel, Size2D strides) {
        if (padding == Padding.VALID) {
            return new long[] {0, 0, 0, 0};
        }
        long rows = total(chw[1], kernel.rows(), strides.rows());
        long cols = total(chw[2], kernel.cols(), strides.cols());
        return new long[] {rows / 2, cols / 2, rows - rows / 2, cols - cols / 2};
    }

    private static long total(int in, int k, int s) {
        int out = Padding.SAME.outputSize(in, k, s);
        return Math.max((long) (out - 1) * s + k - in, 0);
    }

    /** Values for an element-wise join: all NCHW when all are, else all in Keras's layout. */
    static List<Value> alike(OnnxGraph g, List<Value> values) {
        boolean all = values.stream().allMatch(Value::transposed);
        return all ? values : values.stream().map(g::keras).toList();
    }

    /**
     * What Keras's recurrent layer gives from ONNX's {@code Y [T, 1, N, H]} and {@code Y_h [1, N, H]}: the last
     * state {@code [N, H]}, or the whole sequence {@code [N, T, H]}.
     */
    static Value recurrentOutput(OnnxGraph g, List<String> out, boolean sequences, int[] shape) {
        if (!sequences) {
            return new Value(g.node("Squeeze", List.of(out.get(1), g.int64s("axes", 0))), shape, false);
        }
        String y = g.node("Squeeze", List.of(out.get(0), g.int64s("axes", 1)));
        return new Value(g.node("Transpose", List.of(y), ints("perm", 1, 0, 2)), shape, false);
    }

    // ---- activations

    /** Keras's activation after a layer, on any layout (softmax on Keras's last axis). */
    Value activation(Value v, KerasActivation a, LayerSpec layer) {
        return switch (a) {
            case LINEAR -> v;
            case RELU -> unary("Relu", v);
            case SIGMOID -> unary("Sigmoid", v);
            case TANH -> unary("Tanh", v);
            case ELU -> unary("Elu", v, attr("alpha", 1.0));
            case SELU -> unary("Selu", v);
            case SOFTPLUS -> unary("Softplus", v);
            case SOFTSIGN -> unary("Softsign", v);
            case RELU6 -> v.to(node("Clip", List.of(v.name(), scalar("min", 0), scalar("max", 6))), v.shape());
            case LEAKY_RELU -> unary("LeakyRelu", v, attr("alpha", 0.2));
            case HARD_SIGMOID -> unary("HardSigmoid", v, attr("alpha", 0.2), attr("beta", 0.5));
            case SILU -> v.to(node("Mul", List.of(v.name(), node("Sigmoid", List.of(v.name())))), v.shape());
            case SOFTMAX -> {
                Value k = keras(v);
                yield k.to(node("Softmax", List.of(k.name()), attr("axis", -1)), k.shape());
            }
            case GELU -> throw refuse(layer, "DL4J's GELU is an approximation that no ONNX operator computes");
        };
    }

    /** The name of an activation inside ONNX's LSTM and RNN operators, or a refusal. */
    static String recurrentActivation(KerasActivation a, LayerSpec layer) {
        return switch (a) {
            case SIGMOID -> "Sigmoid";
            case TANH -> "Tanh";
            case RELU -> "Relu";
            case SOFTSIGN -> "Softsign";
            case SOFTPLUS -> "Softplus";
            default -> throw refuse(layer, "ONNX's recurrent operators take no " + a.kerasName() + " activation");
        };
    }
}
