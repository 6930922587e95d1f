package dev.kerasmnist.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one line for an ND4J that cannot start, on this (CPU) build; the -Pcuda line is shown in README. */
class BackendCheckTest {
    @Test
    void theCpuBuildStartsWithoutAskingForCuda() {
        assertEquals(Optional.empty(), BackendCheck.beforeStart("train"));
    }

    @Test
    void ndFourJsFailedStartIsOneLineOtherErrorsAreNotItsToSay() {
        NoClassDefFoundError again =
                new NoClassDefFoundError("Could not initialize class org.nd4j.linalg.factory.Nd4j");
        assertEquals(
                Optional.of("ND4J has no backend for this machine (" + System.getProperty("os.name") + ", "
                        + System.getProperty("os.arch") + "): build on it, or with -Djavacpp.platform=<its platform>"),
                BackendCheck.noBackend(again));
        assertEquals(Optional.empty(), BackendCheck.noBackend(new NoClassDefFoundError("com/example/Missing")));
    }
}
