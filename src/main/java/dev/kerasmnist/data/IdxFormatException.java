package dev.kerasmnist.data;

import dev.kerasmnist.failures.FailureIOException;
import dev.kerasmnist.failures.Remedy;
import java.util.List;

/** An IDX file that is not what its header or our expectations say; the message names the file and the defect. */
public class IdxFormatException extends FailureIOException {
    public IdxFormatException(String message) {
        this(message, List.of());
    }

    public IdxFormatException(String message, List<Remedy> remedies) {
        super(Kind.INPUT, message, null, remedies);
    }
}
