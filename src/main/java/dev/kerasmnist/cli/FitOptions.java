package dev.kerasmnist.cli;

import static dev.kerasmnist.model.EarlyStoppingSpec.patience;

import dev.kerasmnist.data.Augmentation;
import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.model.FitSpec;
import dev.kerasmnist.model.ModelSpec;
import dev.kerasmnist.model.RmsPropSpec;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Keras's {@code fit} and optimiser settings as options: each one given replaces the recipe's. */
final class FitOptions {
    /** The options that shape every epoch of a run, so a resumed run cannot change them. */
    private static final List<String> FIXED_ON_RESUME = List.of(
            "--batch-size",
            "--seed",
            "--limit",
            "--rmsprop-epsilon",
            "--validation-split",
            "--early-stopping",
            "--augment",
            "--no-augment",
            "--learning-rate-decay");

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = "--epochs",
            description =
                    "Epochs (default: ${DEFAULT-VALUE}, or the recipe's). With --resume: "
                            + "the total to reach, which may extend a finished or interrupted run, as Keras's initial_epoch does.")
    int epochs = FitSpec.TUTORIAL_EPOCHS;

    @Option(names = "--batch-size", description = "Mini-batch size (default: ${DEFAULT-VALUE}, or the recipe's).")
    int batchSize = FitSpec.TUTORIAL_BATCH_SIZE;

    @Option(names = "--seed", description = "Seeds weight initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = FitSpec.DEFAULT_SEED;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only.")
    Integer limit;

    @Option(
            names = "--learning-rate",
            description = "RMSprop learning rate (default: ${DEFAULT-VALUE}). "
                    + "With --resume: replaces the checkpoint's from the next epoch on.")
    double learningRate = RmsPropSpec.KERAS_DEFAULTS.learningRate();

    @Option(
            names = "--rmsprop-epsilon",
            paramLabel = "PLACE",
            description = "Where RMSprop adds epsilon: OUTSIDE_SQRT, lr*g/(sqrt(a)+eps) as Keras 2.0-2.10, the "
                    + "tutorial and DL4J (default); or INSIDE_SQRT, lr*g/sqrt(a+eps) as Keras 2.11+ and Keras 3.")
    EpsilonPlacement epsilonPlacement = RmsPropSpec.KERAS_DEFAULTS.epsilonPlacement();

    @Option(
            names = "--validation-split",
            paramLabel = "F",
            description = "Keras's validation_split: hold out the "
                    + "last fraction F of the training set (before shuffling) and report val_loss and val_accuracy after "
                    + "each epoch (default: none).")
    Double validationSplit;

    @Option(
            names = "--early-stopping",
            paramLabel = "PATIENCE",
            description = "Keras's EarlyStopping(monitor="
                    + "'val_loss', patience=PATIENCE, restore_best_weights=True); needs --validation-split.")
    Integer earlyStopping;

    @Option(
            names = "--augment",
            negatable = true,
            description = "Distort training images afresh each epoch (shifts "
                    + "up to 2 px, rotations up to 10 degrees, zoom 0.9..1.1); default: the recipe's (tuned-mlp: on).")
    Boolean augment;

    @Option(
            names = "--learning-rate-decay",
            paramLabel = "F",
            description = "Multiply the learning rate by F before "
                    + "every epoch after the first (Keras's LearningRateScheduler); default: none.")
    Double learningRateDecay;

    /** The recipe's fit with the options given. */
    FitSpec applyTo(FitSpec fit) {
        fit = given("--epochs") ? fit.epochs(epochs) : fit;
        fit = given("--batch-size") ? fit.batchSize(batchSize) : fit;
        fit = limit != null ? fit.limit(limit) : fit;
        fit = validationSplit != null ? fit.validationSplit(validationSplit) : fit;
        fit = earlyStopping != null ? fit.earlyStopping(patience(earlyStopping)) : fit;
        fit = augment == null ? fit : augment ? fit.augmentation(Augmentation.MNIST_DEFAULT) : fit.noAugmentation();
        return learningRateDecay != null ? fit.learningRateDecay(learningRateDecay) : fit;
    }

    /** The recipe's model with the optimiser options given. */
    ModelSpec applyTo(ModelSpec model) {
        RmsPropSpec rms = model.optimizer();
        rms = given("--learning-rate") ? rms.withLearningRate(learningRate) : rms;
        rms = given("--rmsprop-epsilon") ? rms.withEpsilonPlacement(epsilonPlacement) : rms;
        return model.withOptimizer(rms);
    }

    /** The options given that a resumed run refuses. */
    List<String> fixedOnResume() {
        return FIXED_ON_RESUME.stream().filter(this::given).toList();
    }

    boolean given(String option) {
        return command.commandLine().getParseResult().hasMatchedOption(option);
    }
}
