package dev.kerasmnist.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a saved model came from and how well it did: one record, written as JSON next to the model zip
 * ({@link ModelFiles#provenance()}) and checked on read ({@link #FORMAT}).
 *
 * @param format      the layout of this record; files of another format are refused with a clear message
 * @param origin      what the model is: a recipe trained here, or a model imported from elsewhere
 * @param model       the Keras-vocabulary spec it was built from (empty for imports that have none)
 * @param training    how it was trained (empty for imports)
 * @param dataSha256  SHA-256 of each MNIST file it was trained and tested on, by file name
 * @param test        its loss and accuracy on the test set (empty until it was evaluated)
 * @param build       the code, library versions and command line that made it, and when
 */
public record Provenance(
        int format,
        Origin origin,
        Optional<ModelSpec> model,
        Optional<Training> training,
        Map<String, String> dataSha256,
        Optional<Test> test,
        Build build) {
    /** The format this version writes and reads. Format 1 was the earlier {@code "keras-mnist-dl4j/1"} sidecar; format 2
     * listed the fit settings in {@code training} itself and is still read ({@code ModelStore.readProvenance}). */
    public static final int FORMAT = 3;

    public Provenance {
        // a field missing from the JSON reads as null: the same "none"
        model = model == null ? Optional.empty() : model;
        training = training == null ? Optional.empty() : training;
        test = test == null ? Optional.empty() : test;
        dataSha256 = dataSha256 == null ? Map.of() : Map.copyOf(dataSha256);
    }

    /** What kind of thing a model is. */
    public enum Kind {
        RECIPE("recipe"),
        IMPORTED("imported"),
        FINE_TUNED("fine-tuned");

        private final String json;

        Kind(String json) {
            this.json = json;
        }

        @JsonValue
        public String json() {
            return json;
        }

        @JsonCreator
        public static Kind of(String json) {
            for (Kind k : values()) {
                if (k.json.equals(json)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown model origin '" + json + "'");
        }
    }

    /**
     * @param name    the recipe's name ({@code "tutorial"}), the imported file's name, or for a fine-tuned model
     *                the name of the model it started from (whose origin is in the details)
     * @param details anything else that identifies it (for imports: source SHA-256, Keras version, ...)
     */
    public record Origin(Kind kind, String name, Map<String, String> details) {
        public static Origin recipe(String name) {
            return new Origin(Kind.RECIPE, name, Map.of());
        }
    }

    /**
     * How a model was fitted: the {@link FitSpec} as given (the one record of the settings, also in checkpoints) and
     * what it took.
     *
     * @param fit                the fit settings of the run
     * @param epochsTrained      epochs done (fewer than {@code fit.epochs()} when early stopping ended the run)
     * @param trainingExamples   examples trained on (validation examples excluded)
     * @param validationExamples examples held out for validation (the ones after the training examples), 0 for none
     * @param seconds            training time, validation included
     */
    public record Training(
            FitSpec fit, int epochsTrained, int trainingExamples, int validationExamples, double seconds) {}

    /** Test-set results. */
    public record Test(double loss, double accuracy) {}

    /**
     * What made the model.
     *
     * @param machine where it ran (empty in records written before it was kept)
     */
    public record Build(
            String codeVersion,
            String dl4jVersion,
            String javaVersion,
            List<String> commandLine,
            String createdAt,
            Optional<Machine> machine) {
        public Build {
            machine = machine == null ? Optional.empty() : machine;
        }

        /** This program, now, on this machine, run as {@code commandLine}. */
        public static Build now(List<String> commandLine) {
            return new Build(
                    Versions.project(),
                    Versions.dl4j(),
                    System.getProperty("java.version"),
                    List.copyOf(commandLine),
                    OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                    Optional.of(Machine.current()));
        }
    }
}
