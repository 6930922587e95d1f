package dev.kerasmnist.training;

import dev.kerasmnist.data.Augmentation;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.Conv2DSpec;
import dev.kerasmnist.model.DenseSpec;
import dev.kerasmnist.model.DropoutSpec;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.FlattenSpec;
import dev.kerasmnist.model.KerasActivation;
import dev.kerasmnist.model.KerasLoss;
import dev.kerasmnist.model.ModelFiles;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.Pooling2DSpec;
import dev.kerasmnist.model.RmsPropSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The named training recipes of {@code train --recipe}: a model in Keras's vocabulary and how it is fitted.
 * {@link #TUTORIAL} is the default and stays exactly the tutorial.
 */
public enum Recipe {
    /**
     * The tutorial: {@code Dense(512, relu, input_shape=(784,)) -> Dense(10, softmax)}, rmsprop,
     * {@code fit(epochs=5, batch_size=128)}.
     */
    TUTORIAL,
    /**
     * The tutorial's layers, trained longer and regularised (each step measured: README's ablation table):
     * <pre>
     * Dense(512, activation='relu', input_shape=(784,)) -> Dropout(0.2) -> Dense(10, activation='softmax')
     * compile(optimizer='rmsprop', loss='categorical_crossentropy')
     * fit(augmented digits: shifts of up to 2 px, rotations of up to 10 degrees, zoom 0.9..1.1,
     *     epochs=30, batch_size=128)
     * </pre>
     */
    TUNED_MLP,
    /**
     * The book's first convnet (Deep Learning with Python, 5.1):
     * <pre>
     * Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)) -> MaxPooling2D((2, 2))
     * -> Conv2D(64, (3, 3), activation='relu') -> MaxPooling2D((2, 2)) -> Conv2D(64, (3, 3), activation='relu')
     * -> Flatten() -> Dense(64, activation='relu') -> Dense(10, activation='softmax')
     * compile(optimizer='rmsprop', loss='categorical_crossentropy'); fit(epochs=5, batch_size=64)
     * </pre>
     */
    CONVNET;

    /** The name on the command line and in the model's provenance: {@code tuned-mlp}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Recipe of(String name) {
        for (Recipe r : values()) {
            if (r.cliName().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown recipe '" + name + "'; known: " + names());
    }

    public static String names() {
        return String.join(
                ", ", java.util.Arrays.stream(values()).map(Recipe::cliName).toList());
    }

    /** Where {@code train} saves it unless told: the tutorial's {@code models/mnist-mlp.zip}, else
     * {@code models/<name>.zip}. */
    public Path defaultModel() {
        return this == TUTORIAL
                ? ModelFiles.DEFAULT.zip()
                : ModelFiles.DEFAULT.zip().resolveSibling(cliName() + ".zip");
    }

    /** The model, its weights seeded by {@code seed}. */
    public ModelSpec model(long seed) {
        return switch (this) {
            case TUTORIAL -> ModelSpec.tutorial(seed);
            case TUNED_MLP ->
                new ModelSpec(
                        MnistSplit.PIXELS,
                        List.of(
                                new DenseSpec(512, KerasActivation.RELU),
                                new DropoutSpec(0.2),
                                new DenseSpec(MnistSplit.CLASSES, KerasActivation.SOFTMAX)),
                        RmsPropSpec.KERAS_DEFAULTS,
                        KerasLoss.CATEGORICAL_CROSSENTROPY,
                        seed);
            case CONVNET ->
                new ModelSpec(
                        MnistSplit.PIXELS,
                        List.of(
                                new Conv2DSpec(32, 3, KerasActivation.RELU),
                                Pooling2DSpec.max(2),
                                new Conv2DSpec(64, 3, KerasActivation.RELU),
                                Pooling2DSpec.max(2),
                                new Conv2DSpec(64, 3, KerasActivation.RELU),
                                new FlattenSpec(),
                                new DenseSpec(64, KerasActivation.RELU),
                                new DenseSpec(MnistSplit.CLASSES, KerasActivation.SOFTMAX)),
                        RmsPropSpec.KERAS_DEFAULTS,
                        KerasLoss.CATEGORICAL_CROSSENTROPY,
                        seed);
        };
    }

    /** How it is fitted, shuffled by {@code seed}. */
    public FitSpec fit(long seed) {
        return switch (this) {
            case TUTORIAL -> FitSpec.tutorial(seed);
            case TUNED_MLP -> FitSpec.keras(seed).epochs(30).batchSize(128).augmentation(Augmentation.MNIST_DEFAULT);
            case CONVNET -> FitSpec.keras(seed).epochs(5).batchSize(64);
        };
    }
}
