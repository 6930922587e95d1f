package dev.kerasmnist.model;

/**
 * One of a layer's Keras variables: its name ({@code kernel}), its shape in Keras's layout, and whether Keras
 * trains it (BatchNormalization's moving statistics it does not).
 */
public record KerasVariable(String name, long[] shape, boolean trainable) {
    public KerasVariable(String name, long... shape) {
        this(name, shape, true);
    }

    /** Its number of values, or an ArithmeticException past {@code Long.MAX_VALUE}. */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
