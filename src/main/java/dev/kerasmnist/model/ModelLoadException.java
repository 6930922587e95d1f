package dev.kerasmnist.model;

import java.io.IOException;

/** A model file that is missing, not a DL4J model, or not shaped for MNIST; the message says what to do. */
public class ModelLoadException extends IOException {
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
