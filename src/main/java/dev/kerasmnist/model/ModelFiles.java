package dev.kerasmnist.model;

import java.nio.file.Path;

/**
 * The files that make up one saved model, all named after its zip: {@code models/mnist-mlp.zip} has
 * {@code mnist-mlp.json} (its {@link Provenance}), {@code mnist-mlp.history.csv} and, while a training run is
 * unfinished, {@code mnist-mlp.checkpoints/}.
 */
public record ModelFiles(Path zip) {
    public static final ModelFiles DEFAULT = new ModelFiles(Path.of("models", "mnist-mlp.zip"));

    public Path provenance() {
        return sibling(".json");
    }

    public Path history() {
        return sibling(".history.csv");
    }

    /** The model this one replaced, kept by a fresh training run: {@code mnist-mlp.previous.zip} and its sidecars. */
    public ModelFiles previous() {
        return new ModelFiles(sibling(".previous.zip"));
    }

    public Path checkpoints() {
        return sibling(".checkpoints");
    }

    /** The file beside the model named like it: {@code models/convnet.zip} and {@code ".keras"} give
     * {@code models/convnet.keras}. */
    public Path sibling(String suffix) {
        String name = zip.getFileName().toString();
        String base = name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name;
        return zip.resolveSibling(base + suffix);
    }
}
