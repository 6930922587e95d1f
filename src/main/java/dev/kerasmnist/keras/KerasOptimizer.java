package dev.kerasmnist.keras;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The optimizer a Keras file was compiled with, as far as fine-tuning needs it: Keras's class name and the settings
 * that DL4J's RMSprop, Adam and SGD (with momentum) take, with Keras's defaults where the file gives none.
 * {@code compile_config.optimizer} may be an object or a bare string ({@code "rmsprop"}); Keras 2 files name it
 * {@code training_config.optimizer_config}.
 *
 * @param className {@code RMSprop}, {@code Adam}, {@code SGD}, ... or {@code none} when the file was not compiled
 */
public record KerasOptimizer(
        String className,
        double learningRate,
        double rho,
        double beta1,
        double beta2,
        double momentum,
        double epsilon) {
    /** What DL4J has: Keras's RMSprop, Adam and SGD. */
    public boolean supported() {
        return switch (className) {
            case "RMSprop", "Adam", "SGD" -> true;
            default -> false;
        };
    }

    static KerasOptimizer of(JsonNode training) {
        JsonNode o = training.has("optimizer_config") ? training.path("optimizer_config") : training.path("optimizer");
        String name;
        JsonNode c;
        if (o.isTextual()) {
            name = o.asText();
            c = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        } else {
            name = o.path("class_name").asText("none");
            c = o.path("config");
        }
        String canonical =
                switch (name.toLowerCase()) {
                    case "rmsprop" -> "RMSprop";
                    case "adam" -> "Adam";
                    case "sgd" -> "SGD";
                    default -> name;
                };
        // Keras's defaults: RMSprop(0.001, rho=0.9, eps=1e-7), Adam(0.001, 0.9, 0.999, 1e-7), SGD(0.01, momentum=0)
        double lr = c.path("learning_rate").isNumber()
                ? c.path("learning_rate").asDouble()
                : c.path("lr").isNumber() ? c.path("lr").asDouble() : "SGD".equals(canonical) ? 0.01 : 0.001;
        return new KerasOptimizer(
                canonical,
                lr,
                c.path("rho").asDouble(0.9),
                c.path("beta_1").asDouble(0.9),
                c.path("beta_2").asDouble(0.999),
                c.path("momentum").asDouble(0),
                c.path("epsilon").asDouble(1e-7));
    }

    /** {@code RMSprop(learning_rate=0.001)}. */
    public String describe() {
        return switch (className) {
            case "RMSprop" -> "RMSprop(learning_rate=" + learningRate + ", rho=" + rho + ", epsilon=" + epsilon + ")";
            case "Adam" ->
                "Adam(learning_rate=" + learningRate + ", beta_1=" + beta1 + ", beta_2=" + beta2 + ", epsilon="
                        + epsilon + ")";
            case "SGD" -> "SGD(learning_rate=" + learningRate + ", momentum=" + momentum + ")";
            default -> className;
        };
    }
}
