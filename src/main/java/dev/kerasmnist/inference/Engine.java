package dev.kerasmnist.inference;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What runs a classifier's forward passes. */
public enum Engine {
    /** DL4J itself, with the project's fast path: the default. */
    DL4J("dl4j"),
    /**
     * ONNX Runtime, on the model converted to ONNX in memory when it is loaded; its jar comes with the
     * {@code onnxruntime} Maven profile.
     */
    ONNX_RUNTIME("onnxruntime");

    private final String cliName;

    Engine(String cliName) {
        this.cliName = cliName;
    }

    /** The name commands take: {@code dl4j}, {@code onnxruntime}. */
    public String cliName() {
        return cliName;
    }

    /**
     * @throws IllegalArgumentException for a name that is no engine, listing those that are
     */
    public static Engine of(String name) {
        for (Engine e : values()) {
            if (e.cliName.equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "'; use one of "
                + Arrays.stream(values()).map(Engine::cliName).collect(Collectors.joining(", ")));
    }
}
