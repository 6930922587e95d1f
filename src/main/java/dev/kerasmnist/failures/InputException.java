package dev.kerasmnist.failures;

import java.io.IOException;
import java.util.List;

/** A file that is missing, damaged or not what it should be: a checked {@link IOException} with its remedies. */
public class InputException extends IOException implements Failure {
    private final List<Remedy> remedies;

    public InputException(String message, Throwable cause, List<Remedy> remedies) {
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
