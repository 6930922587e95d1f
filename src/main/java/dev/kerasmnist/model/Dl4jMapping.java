package dev.kerasmnist.model;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How one kind of layer becomes DL4J: its DL4J layer (or graph vertex), its Keras weights in, and back out. Every
 * DL4J default that differs from Keras's is set explicitly in the mapping. Found through {@link Layers}.
 *
 * @param <L> the layer record it maps
 */
interface Dl4jMapping<L extends LayerSpec> {
    /** The layer in DL4J, given what flows into it. */
    Piece build(L layer, Input in);

    /** Sets parameters that Keras keeps constant and does not store (Rescaling's). */
    default void setConstants(L layer, Layer dl4j) {}

    /**
     * Copies Keras's variables (in Keras's order and shapes, already checked against {@link LayerSpec#variables})
     * into the DL4J layer, converting the layout. {@code order} is the Keras order of the flat features the layer
     * takes, null when DL4J's order is Keras's.
     */
    default void setWeights(L layer, Layer dl4j, List<INDArray> keras, int[] order) {}

    /** The DL4J layer's parameters as Keras's variables, in Keras's order and layout. */
    default List<INDArray> kerasWeights(L layer, Layer dl4j, int[] order) {
        return List.of();
    }

    /**
     * The layer as ONNX operators ({@link OnnxExport}), computing what Keras and the DL4J layer compute, with the
     * DL4J model's trained weights; or, for a layer with no exact ONNX form, {@link OnnxGraph#refuse} naming it.
     * Every mapping says one or the other.
     */
    OnnxGraph.Value onnx(L layer, OnnxGraph g, OnnxGraph.In in);

    /**
     * What a DL4J layer's input is: a flat vector, NCHW feature maps, an NWC sequence, or the NCW sequence a Conv1D
     * gives (see Conv1DMapping for why NCW; layers that take NWC permute it).
     */
    enum Form {
        FLAT,
        IMAGE,
        SEQUENCE,
        NCW
    }

    /**
     * What flows out of a layer in DL4J.
     *
     * @param format  of the feature maps, in Keras's terms
     * @param order   for flat values, which Keras feature each DL4J one is (null: the same)
     * @param pending a preprocessor the next DL4J layer must apply first (Flatten, Reshape have no layer of their own)
     */
    record Flow(Form form, DataFormat format, int[] order, InputPreProcessor pending) {
        Flow flat(int[] newOrder) {
            return new Flow(Form.FLAT, format, newOrder, pending);
        }

        Flow sequence() {
            return new Flow(Form.SEQUENCE, format, null, pending);
        }

        Flow ncw() {
            return new Flow(Form.NCW, format, null, pending);
        }

        /** Feature maps: flat values are read in {@code f}; maps keep their format. */
        Flow image(DataFormat f) {
            return new Flow(Form.IMAGE, form == Form.FLAT ? f : format, order, pending);
        }

        /** Another preprocessor after the pending one. */
        Flow then(InputPreProcessor next) {
            return new Flow(
                    form, format, order, pending == null ? next : new ComposableInputPreProcessor(pending, next));
        }

        Flow withoutPending() {
            return new Flow(form, format, order, null);
        }

        /** Whether two flows lay out their values alike (the inputs of an element-wise join must). */
        boolean alike(Flow other) {
            return form == other.form
                    && Arrays.equals(order, other.order)
                    && (pending == null) == (other.pending == null);
        }
    }

    /**
     * One layer in DL4J: its layer or vertex (or neither: Flatten and Reshape of flat values), the preprocessor before
     * it, and what flows out.
     */
    record Piece(
            org.deeplearning4j.nn.conf.layers.Layer layer, GraphVertex vertex, InputPreProcessor before, Flow after) {
        Piece(org.deeplearning4j.nn.conf.layers.Layer layer, InputPreProcessor before, Flow after) {
            this(layer, null, before, after);
        }

        static Piece vertex(GraphVertex vertex, Flow after) {
            return new Piece(null, vertex, null, after);
        }

        static Piece none(Flow after) {
            return new Piece(null, null, null, after);
        }
    }

    /**
     * What a layer's mapping is given.
     *
     * @param shapes the Keras shapes of its inputs
     * @param out    its Keras output shape
     * @param flows  how each of its inputs flows in DL4J
     * @param last   whether it is the model's last layer (a Dense one carries the loss)
     */
    record Input(ModelSpec spec, List<int[]> shapes, int[] out, List<Flow> flows, boolean last) {
        /** The Keras shape of its (first) input. */
        int[] shape() {
            return shapes.get(0);
        }

        Flow flow() {
            return flows.get(0);
        }

        /** The preprocessor that reads flat values as feature maps in {@code format}; null for feature maps. */
        InputPreProcessor toImage(String layer, DataFormat format) {
            if (flow().form() != Form.FLAT) {
                return null;
            }
            if (format == DataFormat.CHANNELS_LAST && shape()[2] != 1) {
                throw new IllegalArgumentException(layer + " on flat values as " + Arrays.toString(shape())
                        + " channels-last: only one channel can be read from a flat vector");
            }
            return new FeedForwardToCnnPreProcessor(
                    format.rows(shape()), format.cols(shape()), format.channels(shape()));
        }

        /** The layer as DL4J's NCHW feature maps give it: read in {@code format} unless maps already. */
        Piece onImage(String layer, DataFormat format, org.deeplearning4j.nn.conf.layers.Layer dl4j) {
            return new Piece(dl4j, toImage(layer, format), flow().image(format));
        }
    }
}
