package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.conf.graph.MergeVertex;

/**
 * Concatenate: DL4J's MergeVertex, which joins along dimension 1: the features of vectors and the channels of NCHW
 * feature maps. So only those axes are mapped. Flat inputs flattened from channels-last maps keep their own feature
 * order, one after the other.
 */
final class ConcatenateMapping implements Dl4jMapping<ConcatenateSpec> {
    @Override
    public Piece build(ConcatenateSpec concat, Input in) {
        Flow first = in.flow();
        int rank = in.shape().length;
        int channels = first.form() == Form.IMAGE ? (first.format() == DataFormat.CHANNELS_LAST ? 2 : 0) : 0;
        for (Flow f : in.flows()) {
            if (f.form() != first.form() || f.pending() != null) {
                throw new IllegalArgumentException("Concatenate of values laid out differently in DL4J");
            }
        }
        boolean ok = first.form() == Form.FLAT ? rank == 1 : first.form() == Form.IMAGE && rank == 3;
        if (!ok || concat.axisIn(rank) != channels) {
            throw new IllegalArgumentException("Concatenate(axis=" + concat.axis() + ") of "
                    + first.form().name().toLowerCase() + " values of rank " + rank
                    + ": only along the features of vectors or"
                    + " the channels of feature maps");
        }
        return Piece.vertex(new MergeVertex(), first.form() == Form.FLAT ? first.flat(order(in)) : first);
    }

    /** Each input's feature order, shifted past the inputs before it; null when every input's is DL4J's. */
    private static int[] order(Input in) {
        if (in.flows().stream().allMatch(f -> f.order() == null)) {
            return null;
        }
        int[] order = new int[in.out()[0]];
        int at = 0;
        for (int i = 0; i < in.flows().size(); i++) {
            int[] own = in.flows().get(i).order();
            int n = in.shapes().get(i)[0];
            for (int j = 0; j < n; j++) {
                order[at + j] = at + (own == null ? j : own[j]);
            }
            at += n;
        }
        return order;
    }

    @Override
    public OnnxGraph.Value onnx(ConcatenateSpec concat, OnnxGraph g, OnnxGraph.In in) {
        List<OnnxGraph.Value> xs = OnnxGraph.alike(g, in.values());
        int axis = OnnxGraph.onnxAxis(xs.get(0), concat.axisIn(xs.get(0).shape().length));
        return xs.get(0)
                .to(
                        g.node("Concat", xs.stream().map(OnnxGraph.Value::name).toList(), OnnxGraph.attr("axis", axis)),
                        in.out());
    }
}
