package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;

/** Add: DL4J's ElementWiseVertex(Add) of inputs laid out alike. */
final class AddMapping implements Dl4jMapping<AddSpec> {
    @Override
    public Piece build(AddSpec add, Input in) {
        for (Flow other : in.flows()) {
            if (!other.alike(in.flow())) {
                throw new IllegalArgumentException("Add of values laid out differently in DL4J");
            }
        }
        return Piece.vertex(new ElementWiseVertex(ElementWiseVertex.Op.Add), in.flow());
    }

    @Override
    public OnnxGraph.Value onnx(AddSpec add, OnnxGraph g, OnnxGraph.In in) {
        List<OnnxGraph.Value> xs = OnnxGraph.alike(g, in.values());
        return xs.get(0).to(g.node("Sum", xs.stream().map(OnnxGraph.Value::name).toList()), in.out());
    }
}
