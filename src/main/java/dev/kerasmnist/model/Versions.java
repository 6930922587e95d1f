package dev.kerasmnist.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** This program's version and the DL4J release it is built on, as the pom states them (filtered resources). */
public final class Versions {
    private static final Properties PROPERTIES = load();

    private Versions() {}

    public static String project() {
        return PROPERTIES.getProperty("version");
    }

    public static String dl4j() {
        return PROPERTIES.getProperty("dl4j.version");
    }

    private static Properties load() {
        try (InputStream in = Versions.class.getResourceAsStream("/dev/kerasmnist/versions.properties")) {
            Properties p = new Properties();
            if (in == null) {
                throw new IllegalStateException("versions.properties is missing from the class path; rebuild");
            }
            p.load(in);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
