package dev.kerasmnist.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Keras's {@code layers.Reshape(target_shape)}, without the batch dimension; one entry may be -1. */
public record ReshapeSpec(List<Integer> targetShape) implements LayerSpec {
    public ReshapeSpec {
        if (targetShape == null || targetShape.isEmpty()) {
            throw new IllegalArgumentException("Reshape needs a target shape");
        }
        targetShape = List.copyOf(targetShape);
        if (targetShape.stream().filter(d -> d == -1).count() > 1
                || targetShape.stream().anyMatch(d -> d == 0 || d < -1)) {
            throw new IllegalArgumentException(
                    "Reshape's target " + targetShape + " needs positive sizes and at most one -1");
        }
    }

    static ReshapeSpec read(LayerConfig c) {
        List<Integer> target = new ArrayList<>();
        c.path("target_shape").forEach(d -> target.add(d.asInt()));
        return new ReshapeSpec(target);
    }

    @Override
    public void writeConfig(ObjectNode c) {
        ArrayNode target = c.putArray("target_shape");
        targetShape.forEach(target::add);
    }

    @Override
    public String kerasClass() {
        return "Reshape";
    }

    @Override
    public int[] outputShape(int[] input, DataFormat format) {
        long size = Shapes.product(input);
        long known = 1;
        for (int d : targetShape) {
            known *= d == -1 ? 1 : d;
        }
        int[] out = targetShape.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                out[i] = known > 0 && size % known == 0 ? (int) (size / known) : -1;
            }
        }
        if (Arrays.stream(out).anyMatch(d -> d < 1) || Shapes.product(out) != size) {
            throw new IllegalArgumentException(
                    "Reshape" + targetShape + " cannot take " + Arrays.toString(input) + " (" + size + " values)");
        }
        return out;
    }

    @Override
    public String describe() {
        return "Reshape(" + targetShape + ")";
    }
}
