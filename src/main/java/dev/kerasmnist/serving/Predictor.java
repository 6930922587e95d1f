package dev.kerasmnist.serving;

import dev.kerasmnist.inference.DigitClassifier;
import dev.kerasmnist.inference.Prediction;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntConsumer;

/** Turns validated MNIST pixel vectors into predictions, from many request threads at once. */
interface Predictor extends AutoCloseable {

    /**
     * @param images 784 values in [0, 1] each, already validated
     * @return one prediction per image, in order
     * @throws ServerBusyException if too many requests are waiting
     */
    List<Prediction> predict(List<float[]> images) throws InterruptedException;

    /** Requests waiting for the model now. */
    int queueDepth();

    /** Stops taking work once what is queued is done. */
    @Override
    void close();

    /** The baseline: each request its own forward pass, one at a time (DigitClassifier serialises on the network). */
    static Predictor direct(DigitClassifier classifier, IntConsumer batchSizes) {
        return new Predictor() {
            /** Requests in flight hold it shared; close() waits for them before it frees the classifier. */
            private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();

            private boolean closed;

            @Override
            public List<Prediction> predict(List<float[]> images) {
                open.readLock().lock();
                try {
                    if (closed) {
                        throw new ClosedException();
                    }
                    batchSizes.accept(images.size());
                    return classifier.predict(images);
                } finally {
                    open.readLock().unlock();
                }
            }

            @Override
            public int queueDepth() {
                return 0;
            }

            @Override
            public void close() {
                open.writeLock().lock();
                try {
                    closed = true;
                    classifier.close(); // frees another engine's session
                } finally {
                    open.writeLock().unlock();
                }
            }
        };
    }

    /** Thrown when the server sheds a request: the client should retry later (503 with Retry-After). */
    final class ServerBusyException extends RuntimeException {
        private final String reason;

        /** @param reason the metrics label: queue, memory, decoders or stopping */
        ServerBusyException(String message, String reason) {
            super(message);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /** Thrown by a predictor closed for a reload: the caller retries with the model now served. */
    final class ClosedException extends RuntimeException {
        ClosedException() {
            super("this model was replaced", null, false, false);
        }
    }
}
