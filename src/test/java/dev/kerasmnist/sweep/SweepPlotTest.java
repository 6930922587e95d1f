package dev.kerasmnist.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kerasmnist.training.Recipe;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plot of a sweep: one panel per setting that varied, laid out in bounded time whatever the numbers. */
class SweepPlotTest {
    @TempDir
    Path tmp;

    private static TrialResult result(List<Trial.Value> values, long seed, double valAccuracy, double valLoss) {
        return new TrialResult(
                new Trial(Recipe.TUTORIAL, values, seed, 0.1, Optional.empty()),
                valLoss,
                valAccuracy,
                0.1,
                valAccuracy,
                2,
                1.0);
    }

    @Test
    void aGridWhoseTrialsAllScoreTheSameIsDrawn() throws Exception {
        // 4 learning rates at 1.0 each, ranked by val_loss in another order than their values (as a real kill-and-
        // rerun test had them): XChart's labelled numeric axis never finished laying this out
        List<TrialResult> results = new ArrayList<>();
        double[] losses = {0.02, 0.04, 0.01, 0.03};
        List<String> rates = List.of("0.001", "0.002", "0.003", "0.004");
        for (int i = 0; i < rates.size(); i++) {
            results.add(result(
                    List.of(new Trial.Value(Setting.LEARNING_RATE, rates.get(i)), new Trial.Value(Setting.EPOCHS, "2")),
                    1,
                    1.0,
                    losses[i]));
        }
        BufferedImage png = draw(results);
        assertEquals(480, png.getWidth(), "one panel: epochs did not vary");
    }

    @Test
    void randomSearchAndChoicesGetAPanelEach() throws Exception {
        List<TrialResult> results = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            for (long seed = 1; seed <= 2; seed++) {
                results.add(result(
                        List.of(
                                new Trial.Value(Setting.LEARNING_RATE, Double.toString(0.0001 * (i + 1))),
                                new Trial.Value(Setting.AUGMENT, i % 2 == 0 ? "true" : "false")),
                        seed,
                        0.9 + 0.005 * i,
                        0.1));
            }
        }
        assertEquals(2 * 480, draw(results).getWidth());
    }

    private BufferedImage draw(List<TrialResult> results) throws Exception {
        Path file = tmp.resolve("plot.png");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> SweepPlot.save(SweepTable.of(results), file));
        return ImageIO.read(file.toFile());
    }
}
