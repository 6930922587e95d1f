package dev.kerasmnist.model;

import java.util.List;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;

/**
 * Multiply, Subtract, Average, Maximum: DL4J's ElementWiseVertex (Product, Subtract, Average, Max) of inputs laid
 * out alike; in ONNX Mul, Sub, Mean, Max, each of which computes what Keras computes.
 */
final class ElementWiseMapping implements Dl4jMapping<ElementWiseSpec> {
    @Override
    public Piece build(ElementWiseSpec merge, Input in) {
        for (Flow other : in.flows()) {
            if (!other.alike(in.flow())) {
                throw new IllegalArgumentException(merge.kerasClass() + " of values laid out differently in DL4J");
            }
        }
        ElementWiseVertex.Op op =
                switch (merge.op()) {
                    case MULTIPLY -> ElementWiseVertex.Op.Product;
                    case SUBTRACT -> ElementWiseVertex.Op.Subtract;
                    case AVERAGE -> ElementWiseVertex.Op.Average;
                    case MAXIMUM -> ElementWiseVertex.Op.Max;
                };
        return Piece.vertex(new ElementWiseVertex(op), in.flow());
    }

    @Override
    public OnnxGraph.Value onnx(ElementWiseSpec merge, OnnxGraph g, OnnxGraph.In in) {
        List<OnnxGraph.Value> xs = OnnxGraph.alike(g, in.values());
        List<String> names = xs.stream().map(OnnxGraph.Value::name).toList();
        String y =
                switch (merge.op()) {
                    case MULTIPLY -> chain(g, "Mul", names); // Mul takes two: ((a b) c) ..., as Keras multiplies
                    case SUBTRACT -> g.node("Sub", names);
                    case AVERAGE -> g.node("Mean", names);
                    case MAXIMUM -> g.node("Max", names);
                };
        return xs.get(0).to(y, in.out());
    }

    private static String chain(OnnxGraph g, String op, List<String> names) {
        String y = names.get(0);
        for (String next : names.subList(1, names.size())) {
            y = g.node(op, List.of(y, next));
        }
        return y;
    }
}
