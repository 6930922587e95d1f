package dev.kerasmnist.inference;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kerasmnist.model.Argmax;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The model's answer for one image.
 *
 * @param digit         the most probable digit
 * @param probability   its probability
 * @param probabilities the softmax output, one probability per digit 0..9
 */
public record Prediction(int digit, float probability, float[] probabilities) {

    /** The prediction for one row of softmax output. */
    public static Prediction of(float[] probabilities) {
        int best = Argmax.of(probabilities);
        return new Prediction(best, probabilities[best], probabilities.clone());
    }

    /**
     * Writes this prediction as JSON, the one form that {@code predict --json} and the server's API answer:
     * {@code "digit", "probability", "probabilities"} (all ten) and {@code "top3"} ({@code [{"digit", "probability"}]}).
     */
    public ObjectNode writeTo(ObjectNode node) {
        node.put("digit", digit).put("probability", probability);
        ArrayNode all = node.putArray("probabilities");
        for (float v : probabilities) {
            all.add(v);
        }
        ArrayNode top = node.putArray("top3");
        for (int d : top(3)) {
            top.addObject().put("digit", d).put("probability", probabilities[d]);
        }
        return node;
    }

    /** The {@code k} most probable digits, most probable first. */
    public List<Integer> top(int k) {
        List<Integer> digits = new ArrayList<>();
        for (int d = 0; d < probabilities.length; d++) {
            digits.add(d);
        }
        digits.sort(Comparator.comparingDouble((Integer d) -> probabilities[d]).reversed());
        return List.copyOf(digits.subList(0, Math.min(k, digits.size())));
    }

    /** Records compare arrays by identity; predictions are equal when their numbers are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p
                && p.digit == digit
                && p.probability == probability
                && java.util.Arrays.equals(p.probabilities, probabilities);
    }

    @Override
    public int hashCode() {
        return 31 * digit + java.util.Arrays.hashCode(probabilities);
    }

    @Override
    public String toString() {
        return "Prediction[digit=" + digit + ", probability=" + probability + ", probabilities="
                + java.util.Arrays.toString(probabilities) + "]";
    }
}
