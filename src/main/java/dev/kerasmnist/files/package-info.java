/**
 * Writing files so that a crash, a kill or a full disk never leaves one half-written: shared by every stage that
 * saves something (models, checkpoints, reports, plots), and the one JSON mapping of their records.
 */
package dev.kerasmnist.files;
