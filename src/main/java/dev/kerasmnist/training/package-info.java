/**
 * Stage 4: Keras's {@code fit} ({@link dev.kerasmnist.training.Trainer}) with Keras-style callbacks
 * ({@link dev.kerasmnist.training.Callback}: {@code ProgbarLogger}, {@code EarlyStopping},
 * {@code LearningRateScheduler}, {@code TerminateOnNaN}, {@code BackupAndRestore}, DL4J's {@code Dashboard}), the
 * named {@link dev.kerasmnist.training.Recipe}s, the one scorer ({@link dev.kerasmnist.training.Validation}), and a
 * whole run as {@code train} does it ({@link dev.kerasmnist.training.TrainingRun}: checkpoints, resume, interrupts,
 * divergence, provenance).
 */
package dev.kerasmnist.training;
