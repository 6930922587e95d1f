package dev.kerasmnist.data;

/** MNIST is not where we looked; the message lists the places and the command that fetches it. */
public class MnistNotFoundException extends RuntimeException {
    public MnistNotFoundException(String message) {
        super(message);
    }
}
