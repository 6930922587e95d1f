package dev.kerasmnist.sweep;

import java.io.Serializable;

/**
 * What a trial scored: on its validation split (what a sweep ranks by, as the test set must not choose the
 * model), and on the test set (reported, never used to choose).
 *
 * @param epochs  epochs trained
 * @param seconds training time, validation included
 */
public record TrialResult(
        Trial trial,
        double valLoss,
        double valAccuracy,
        double testLoss,
        double testAccuracy,
        int epochs,
        double seconds)
        implements Serializable {}
