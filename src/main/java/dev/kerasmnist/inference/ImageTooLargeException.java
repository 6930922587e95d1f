package dev.kerasmnist.inference;

/** An image whose header declares more pixels than the limit: refused before decoding. */
public final class ImageTooLargeException extends ImageLoadException {
    public ImageTooLargeException(String message) {
        super(message);
    }
}
