package dev.kerasmnist.failures;

import java.util.List;

/** An expected failure that is not about a file: a run that cannot start or did not finish, a setting refused. */
public class FailureException extends RuntimeException implements Failure {
    private final Kind kind;
    private final List<Remedy> remedies;

    public FailureException(Kind kind, String message, List<Remedy> remedies) {
        this(kind, message, remedies, null);
    }

    public FailureException(Kind kind, String message, List<Remedy> remedies, Throwable cause) {
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
