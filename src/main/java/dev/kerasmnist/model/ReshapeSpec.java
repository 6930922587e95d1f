package dev.kerasmnist.model;

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
            throw new IllegalArgumentException("Reshape's target " + targetShape + " needs positive sizes and at most"
                    + " one -1");
        }
    }
}
