package dev.kerasmnist.keras;

import java.io.IOException;

/** A Keras file this program cannot import; the message says what is wrong and what is supported. */
public class KerasImportException extends IOException {
    /** What can be imported, for the end of every message. */
    static final String SUPPORTED = "supported: Keras 2 .h5, Keras 3 .h5 and .keras; Sequential or Functional"
            + " models of InputLayer, " + String.join(", ", dev.kerasmnist.model.Layers.kerasClasses())
            + "; 784 inputs ((784,), (28, 28), (28, 28, 1) or (1, 28, 28)) and 10 outputs";

    public KerasImportException(String message) {
        super(oneLine(message));
    }

    public KerasImportException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** Names and text from a file may hold line breaks or control bytes; the message stays one printable line. */
    private static String oneLine(String message) {
        return message == null ? null : message.replaceAll("\\p{Cntrl}", "?");
    }
}
