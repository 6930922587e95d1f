/**
 * The sweep's Apache Spark engine: each trial a Spark task on embedded {@code local[*]} or a cluster, the data read
 * where the task runs. Compiled only in the {@code -Pspark} build, so nothing of Spark is on the default class path;
 * {@code TrialEngine.spark} finds it by name.
 */
package dev.kerasmnist.sweep.spark;
