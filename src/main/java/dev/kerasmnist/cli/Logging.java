package dev.kerasmnist.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/** Console logging: quiet (WARN) unless {@code --verbose}. */
final class Logging {
    private static boolean verbose;

    private Logging() {}

    static void setVerbose(boolean on) {
        verbose = on;
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(on ? Level.INFO : Level.WARN);
        if (on) { // also the loggers logback.xml quietens (Spark's notes on failed tasks, ...)
            ((LoggerContext) LoggerFactory.getILoggerFactory())
                    .getLoggerList().stream().filter(logger -> logger != root).forEach(logger -> logger.setLevel(null));
        }
    }

    static boolean verbose() {
        return verbose;
    }
}
