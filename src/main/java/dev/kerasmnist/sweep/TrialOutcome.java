package dev.kerasmnist.sweep;

import java.io.Serializable;

/**
 * A finished trial as it travels back from wherever it ran: its result and its saved model's three files
 * ({@code .zip}, provenance {@code .json}, {@code .history.csv}), so no executor needs the driver's disk.
 */
public record TrialOutcome(TrialResult result, byte[] model, byte[] provenance, byte[] history)
        implements Serializable {}
