package dev.kerasmnist.model;

import dev.kerasmnist.failures.FailureIOException;
import dev.kerasmnist.failures.Remedy;
import java.util.List;

/** A model file that is missing, not a DL4J model, or not shaped for MNIST, with what fixes it. */
public class ModelLoadException extends FailureIOException {
    public ModelLoadException(String message, Throwable cause) {
        this(message, cause, List.of());
    }

    public ModelLoadException(String message, Throwable cause, List<Remedy> remedies) {
        super(Kind.INPUT, message, cause, remedies);
    }
}
