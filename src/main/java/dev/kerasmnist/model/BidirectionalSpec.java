package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras's {@code layers.Bidirectional(LSTM(units, return_sequences=True), merge_mode="concat")}: the LSTM forward
 * over the sequence and a copy of it backward, their sequences merged step by step. Its variables are the forward
 * LSTM's then the backward one's ({@code .keras}: {@code forward_layer/cell/vars}, {@code backward_layer/cell/vars}).
 * Only sequences: DL4J's Bidirectional reverses the gradient of a LastTimeStep layer as if it were a sequence and
 * fails, so {@code return_sequences=False} could predict but not train.
 */
public record BidirectionalSpec(LstmSpec layer, Merge mergeMode) implements LayerSpec {
    /** Keras's merge modes (None, which returns both sequences, has no DL4J form). */
    public enum Merge {
        CONCAT("concat"),
        SUM("sum"),
        MUL("mul"),
        AVE("ave");

        private final String kerasName;

        Merge(String kerasName) {
            this.kerasName = kerasName;
        }

        public String kerasName() {
            return kerasName;
        }

        static Merge of(String name) {
            for (Merge m : values()) {
                if (m.kerasName.equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("Bidirectional(merge_mode=" + name + ")");
        }
    }

    public BidirectionalSpec {
        if (layer == null || mergeMode == null) {
            throw new IllegalArgumentException("Bidirectional needs an LSTM and a merge mode");
        }
        if (!layer.returnSequences()) {
            throw new IllegalArgumentException("Bidirectional(LSTM(return_sequences=False)): DL4J's Bidirectional"
                    + " cannot train through LastTimeStep (it reverses the last step's gradient as a sequence)");
        }
    }

    static BidirectionalSpec read(LayerConfig c) {
        JsonNode mode = c.path("merge_mode");
        c.require(!mode.isNull(), "Bidirectional(merge_mode=None)");
        c.require(
                !LstmSpec.CUDNN.equals(c.path("layer").path("class_name").asText()),
                "Bidirectional(CuDNNLSTM): its weights' cuDNN layout is read for a CuDNNLSTM of its own only");
        LayerSpec forward = inner(c, c.path("layer"));
        if (!(forward instanceof LstmSpec lstm)) {
            throw LayerConfig.unsupported("Bidirectional(" + forward.kerasClass() + "): only LSTM is wrapped");
        }
        if (c.has("backward_layer") && !c.path("backward_layer").isNull()) {
            ObjectNode backward = c.path("backward_layer").deepCopy();
            c.require(backward.path("config").path("go_backwards").asBoolean(false), "a forward backward_layer");
            ((ObjectNode) backward.path("config")).put("go_backwards", false);
            c.require(forward.equals(inner(c, backward)), "a backward_layer unlike its layer");
        }
        return new BidirectionalSpec(lstm, Merge.of(mode.asText("concat")));
    }

    private static LayerSpec inner(LayerConfig c, JsonNode layer) {
        return Layers.read(new LayerConfig(layer.path("class_name").asText(), layer.path("config"), c.kerasMajor()));
    }

    @Override
    public void writeConfig(ObjectNode c) {
        c.put("merge_mode", mergeMode.kerasName());
        writeLayer(c.putObject("layer"), "forward_lstm", false);
        writeLayer(c.putObject("backward_layer"), "backward_lstm", true);
    }

    private void writeLayer(ObjectNode l, String name, boolean backwards) {
        l.put("module", "keras.layers").put("class_name", layer.kerasClass());
        ObjectNode config = l.putObject("config");
        config.put("name", name).put("trainable", true).put("dtype", "float32");
        layer.writeConfig(config);
        config.put("go_backwards", backwards);
        l.putNull("registered_name");
    }

    @Override
    public String kerasClass() {
        return "Bidirectional";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        int[] out = layer.outputShape(input, format);
        if (mergeMode == Merge.CONCAT) {
            out[out.length - 1] *= 2;
        }
        return out;
    }

    @Override
    public List<KerasVariable> variables(int[] input) {
        List<KerasVariable> out = new ArrayList<>();
        for (String direction : new String[] {"forward_", "backward_"}) {
            for (KerasVariable v : layer.variables(input)) {
                out.add(new KerasVariable(direction + v.name(), v.shape(), v.trainable()));
            }
        }
        return out;
    }

    @Override
    public List<String> variableGroups() {
        return List.of("forward_layer/cell", "backward_layer/cell");
    }

    @Override
    public String describe() {
        return "Bidirectional(" + layer.describe()
                + (mergeMode == Merge.CONCAT ? "" : ", merge_mode='" + mergeMode.kerasName() + "'") + ")";
    }
}
