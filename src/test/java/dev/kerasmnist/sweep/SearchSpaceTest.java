package dev.kerasmnist.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kerasmnist.failures.Remedy;
import dev.kerasmnist.failures.SettingException;
import dev.kerasmnist.model.DropoutSpec;
import dev.kerasmnist.model.EpsilonPlacement;
import dev.kerasmnist.training.Recipe;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The settings a sweep tries: parsing, the grid, random draws, and what a trial trains. */
class SearchSpaceTest {
    private static final List<Long> SEEDS = List.of(1L, 2L);

    @Test
    void aGridIsEveryCombinationTimesEverySeedWithCanonicalValues() {
        List<Trial> trials = SearchSpace.parse("learning-rate=1e-3,0.0005 batch-size=64,128,64")
                .grid(Recipe.TUTORIAL, SEEDS, 0.1, Optional.empty());
        assertEquals(2 * 2 * 2, trials.size(), "the repeated 64 is one value");
        assertEquals("learning-rate=0.001 batch-size=64", trials.get(0).settings());
        assertEquals(
                List.of(1L, 2L), trials.subList(0, 2).stream().map(Trial::seed).toList());
        assertEquals("learning-rate=0.0005 batch-size=128", trials.get(7).settings());
        assertEquals(
                "recipe=tutorial validation-split=0.1 learning-rate=0.001 batch-size=64 seed=1",
                trials.get(0).key());
        assertEquals(16, trials.get(0).id().length());
        assertEquals(8, trials.stream().map(Trial::id).distinct().count());
    }

    @Test
    void aTrialTrainsTheRecipeWithItsSettings() {
        Trial t = SearchSpace.parse("learning-rate=0.002 batch-size=64 epochs=2 augment=false "
                        + "rmsprop-epsilon=inside_sqrt dropout=0.3")
                .grid(Recipe.TUNED_MLP, List.of(7L), 0.2, Optional.of(500))
                .get(0);
        assertEquals(0.002, t.model().optimizer().learningRate());
        assertEquals(EpsilonPlacement.INSIDE_SQRT, t.model().optimizer().epsilonPlacement());
        assertEquals(new DropoutSpec(0.3), t.model().layers().get(1));
        assertEquals(7, t.model().seed());
        assertEquals(64, t.fit().batchSize());
        assertEquals(2, t.fit().epochs());
        assertTrue(t.fit().augmentation().isEmpty(), "tuned-mlp augments unless told not to");
        assertEquals(Optional.of(0.2), t.fit().validationSplit());
        assertEquals(Optional.of(500), t.fit().limit());
        assertEquals(7, t.fit().seed());
    }

    @Test
    void dropoutGoesAfterEveryHiddenDenseLayerAsInTheTunedMlp() {
        assertEquals(
                Recipe.TUNED_MLP.model(1).layers(),
                Recipe.TUTORIAL.model(1).withDropout(0.2).layers());
        assertEquals(
                Recipe.TUTORIAL.model(1).layers(),
                Recipe.TUNED_MLP.model(1).withDropout(0).layers());
        assertEquals(
                Recipe.CONVNET.model(1).layers().size() + 1,
                Recipe.CONVNET.model(1).withDropout(0.5).layers().size(),
                "one Dense(64) before the output");
    }

    @Test
    void randomSearchDrawsTheSameTrialsForTheSameSeedWithinTheRanges() {
        SearchSpace space = SearchSpace.parse(
                "learning-rate=0.0001..0.01 batch-size=32..256 dropout=0..0.5 " + "augment=true,false");
        List<Trial> a = space.sample(20, 5, Recipe.TUTORIAL, List.of(1L), 0.1, Optional.empty());
        List<Trial> b = space.sample(20, 5, Recipe.TUTORIAL, List.of(1L), 0.1, Optional.empty());
        assertEquals(a, b);
        assertNotEquals(a, space.sample(20, 6, Recipe.TUTORIAL, List.of(1L), 0.1, Optional.empty()));
        assertEquals(20, a.size());
        int belowMillis = 0;
        for (Trial t : a) {
            double lr = Double.parseDouble(t.value(Setting.LEARNING_RATE).orElseThrow());
            int batch = Integer.parseInt(t.value(Setting.BATCH_SIZE).orElseThrow());
            double dropout = Double.parseDouble(t.value(Setting.DROPOUT).orElseThrow());
            assertTrue(lr >= 0.0001 && lr <= 0.01, "learning rate " + lr);
            assertTrue(batch >= 32 && batch <= 256, "batch size " + batch);
            assertTrue(dropout >= 0 && dropout <= 0.5, "dropout " + dropout);
            assertTrue(
                    t.value(Setting.LEARNING_RATE)
                                    .orElseThrow()
                                    .replace("0.", "")
                                    .replaceFirst("^0+", "")
                                    .length()
                            <= 3,
                    "3 significant digits: " + t.value(Setting.LEARNING_RATE));
            belowMillis += lr < 0.001 ? 1 : 0;
        }
        // log-uniform: half the draws below the geometric middle 0.001 (uniform would put ~9% there)
        assertTrue(belowMillis >= 6 && belowMillis <= 14, belowMillis + " of 20 below 0.001");
    }

    @Test
    void badSettingsAreRefusedWithWhatToDo() {
        assertEquals(
                "unknown setting 'lr'; a sweep varies learning-rate, batch-size, epochs, dropout, augment, "
                        + "rmsprop-epsilon",
                message(() -> SearchSpace.parse("lr=0.1")));
        assertEquals("batch-size takes whole numbers, not '6.5'", message(() -> SearchSpace.parse("batch-size=6.5")));
        assertEquals(
                "learning-rate must be a positive number, got -1.0",
                message(() -> SearchSpace.parse("learning-rate=-1")));
        assertEquals("augment is true or false, not 'yes'", message(() -> SearchSpace.parse("augment=yes")));
        assertEquals(
                "rmsprop-epsilon is OUTSIDE_SQRT or INSIDE_SQRT, not 'middle'",
                message(() -> SearchSpace.parse("rmsprop-epsilon=middle")));
        assertEquals(
                "learning-rate is given twice",
                message(() -> SearchSpace.parse("learning-rate=0.1 learning-rate=0.2")));
        SettingException sampled =
                assertThrows(SettingException.class, () -> SearchSpace.parse("learning-rate=0.001..0.01")
                        .grid(Recipe.TUTORIAL, SEEDS, 0.1, Optional.empty()));
        assertEquals(List.of(new Remedy.SampleCount()), sampled.remedies());
        assertEquals(
                "augment has no range: list its values (e.g. augment=true,false)",
                message(() -> SearchSpace.parse("augment=0..1")));
        assertEquals(
                "'epochs' is not name=values (e.g. learning-rate=0.001,0.0005 or learning-rate=0.0001..0.01)",
                message(() -> SearchSpace.parse("epochs")));
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }
}
