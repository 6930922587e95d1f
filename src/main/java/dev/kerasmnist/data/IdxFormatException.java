package dev.kerasmnist.data;

import dev.kerasmnist.failures.Failure;
import dev.kerasmnist.failures.Remedy;
import java.io.IOException;
import java.util.List;

/** An IDX file that is not what its header or our expectations say; the message names the file and the defect. */
public class IdxFormatException extends IOException implements Failure {
    private final List<Remedy> remedies;

    public IdxFormatException(String message) {
        this(message, List.of());
    }

    public IdxFormatException(String message, List<Remedy> remedies) {
        super(message);
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
