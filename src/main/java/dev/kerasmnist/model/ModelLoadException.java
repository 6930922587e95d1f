package dev.kerasmnist.model;

import dev.kerasmnist.failures.Failure;
import dev.kerasmnist.failures.Remedy;
import java.io.IOException;
import java.util.List;

/** A model file that is missing, not a DL4J model, or not shaped for MNIST, with what fixes it. */
public class ModelLoadException extends IOException implements Failure {
    private final List<Remedy> remedies;

    public ModelLoadException(String message, Throwable cause) {
        this(message, cause, List.of());
    }

    public ModelLoadException(String message, Throwable cause, List<Remedy> remedies) {
        super(message, cause);
        this.remedies = List.copyOf(remedies);
    }

    @Override
    public Kind kind() {
        return Kind.INPUT;
    }

    @Override
    public List<Remedy> remedies() {
        return remedies;
    }
}
