package dev.kerasmnist.model;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Moving arrays between Keras's variables and DL4J's parameters, which the layer mappings share. */
final class Dl4jParams {
    private Dl4jParams() {}

    /** Assigns {@code value} (any shape of the same length) to the DL4J parameter {@code key}. */
    static void set(Layer layer, String key, INDArray value) {
        INDArray target = layer.getParam(key);
        if (target.length() != value.length()) {
            throw new IllegalArgumentException("parameter " + key + " of "
                    + layer.getClass().getSimpleName() + " has " + target.length() + " values, not " + value.length());
        }
        target.assign(value.castTo(DataType.FLOAT).dup('c').reshape(target.shape()));
    }

    /** A float copy as a vector. */
    static INDArray flat(INDArray v) {
        return v.castTo(DataType.FLOAT).dup().reshape(v.length());
    }

    /** The vector {@code v} with entry j taken from {@code order[j]} (null: as it is). */
    static INDArray features(INDArray v, int[] order) {
        INDArray flat = flat(v);
        if (order == null) {
            return flat;
        }
        float[] values = flat.toFloatVector();
        float[] out = new float[values.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = values[order[j]];
        }
        return Nd4j.createFromArray(out);
    }

    static int[] inverse(int[] order) {
        int[] inv = new int[order.length];
        for (int j = 0; j < order.length; j++) {
            inv[order[j]] = j;
        }
        return inv;
    }
}
