package dev.kerasmnist.keras;

/** The Keras generation and file format of a model file. */
public enum KerasFormat {
    /** Keras 1 or 2 {@code model.save('m.h5')}. */
    KERAS2_H5("Keras 2 HDF5 (.h5)"),
    /** Keras 3 {@code model.save('m.h5')} (the legacy format). */
    KERAS3_H5("Keras 3 legacy HDF5 (.h5)"),
    /** Keras 3 {@code model.save('m.keras')}: a zip of config.json, metadata.json and model.weights.h5. */
    KERAS3_ZIP("Keras 3 native (.keras)");

    private final String description;

    KerasFormat(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
