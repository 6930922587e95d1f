package dev.kerasmnist.failures;

import java.io.IOException;
import java.util.List;

/**
 * An expected failure that is an {@link IOException}: a file missing, damaged or not what it should be, or the
 * machine refusing (a port taken), with its remedies.
 */
public class FailureIOException extends IOException implements Failure {
    private final Kind kind;
    private final List<Remedy> remedies;

    public FailureIOException(Kind kind, String message, Throwable cause, List<Remedy> remedies) {
        super(message, cause);
        this.kind = kind;
        this.remedies = List.copyOf(remedies);
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public List<Remedy> remedies() {
        return remedies;
    }
}
