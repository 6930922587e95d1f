package dev.kerasmnist.inference;

import java.io.IOException;

/** An image file that is missing, unreadable, not an image, or too large to decode safely. */
public class ImageLoadException extends IOException {
    public ImageLoadException(String message) {
        super(message);
    }

    public ImageLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
