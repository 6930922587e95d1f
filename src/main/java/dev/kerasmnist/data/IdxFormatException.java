package dev.kerasmnist.data;

import java.io.IOException;

/** An IDX file that is not what its header or our expectations say; the message names the file and the defect. */
public class IdxFormatException extends IOException {
    public IdxFormatException(String message) {
        super(message);
    }
}
