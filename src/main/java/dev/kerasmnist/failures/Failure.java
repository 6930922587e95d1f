package dev.kerasmnist.failures;

import java.util.List;

/**
 * An expected failure: the user's input or settings, or the environment, and not a bug. Implemented by the
 * project's exceptions (checked or not), so that a caller can tell them from a bug inside a library, and act on
 * their remedies.
 */
public interface Failure {
    /** Whose the failure is. */
    enum Kind {
        /** a file or value given: missing, corrupt, of the wrong shape */
        INPUT,
        /** a setting that does not fit, or a run that the settings made diverge */
        SETTING,
        /** the machine: a port taken, a folder that cannot be written, a library missing from the build */
        ENVIRONMENT
    }

    Kind kind();

    /** What fixes it, the first the likeliest; alternatives, of which any one does. */
    default List<Remedy> remedies() {
        return List.of();
    }
}
