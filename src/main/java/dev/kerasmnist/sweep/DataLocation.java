package dev.kerasmnist.sweep;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Where a trial finds the MNIST folder on the machine it runs on: the driver's folder when trials run here, the
 * copy Spark gave each executor otherwise. Only this travels with a task, never the images.
 */
@FunctionalInterface
public interface DataLocation extends Serializable {
    Path dir();
}
