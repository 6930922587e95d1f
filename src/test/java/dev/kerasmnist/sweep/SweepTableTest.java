package dev.kerasmnist.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kerasmnist.training.Recipe;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The table's arithmetic and order, on results made up here. */
class SweepTableTest {
    private static TrialResult result(String lr, long seed, double valAccuracy, double valLoss) {
        Trial t = new Trial(
                Recipe.TUTORIAL, List.of(new Trial.Value(Setting.LEARNING_RATE, lr)), seed, 0.1, Optional.empty());
        return new TrialResult(t, valLoss, valAccuracy, 0.1, valAccuracy - 0.01, 5, 10.0 + seed);
    }

    @Test
    void rowsAreSettingsWithMeanAndSampleSpreadOverSeedsBestFirst() {
        SweepTable table = SweepTable.of(List.of(
                result("0.01", 1, 0.90, 0.30),
                result("0.01", 2, 0.94, 0.20),
                result("0.001", 1, 0.97, 0.10),
                result("0.001", 2, 0.95, 0.12),
                result("0.001", 3, 0.96, 0.11),
                result("0.002", 1, 0.955, 0.09),
                result("0.003", 1, 0.955, 0.08)));
        assertEquals(
                List.of("0.001", "0.003", "0.002", "0.01"),
                table.rows().stream().map(r -> r.value(Setting.LEARNING_RATE)).toList(),
                "0.955 ties: the lower val_loss first");
        SweepTable.Row top = table.best();
        assertEquals(0.96, top.valAccuracyMean(), 1e-12);
        assertEquals(0.01, top.valAccuracyStd(), 1e-12); // sqrt(((.01)^2 + (.01)^2 + 0) / 2)
        assertEquals(0.11, top.valLossMean(), 1e-12);
        assertEquals(12.0, top.secondsMean(), 1e-12);
        assertEquals(1, top.best().trial().seed());
        assertEquals(0.0, table.rows().get(1).valAccuracyStd(), "one seed has no spread");
        assertEquals(Math.sqrt(0.0008), table.rows().get(3).valAccuracyStd(), 1e-12);
        assertEquals(
                """
                rank  learning-rate  seeds  val_accuracy     val_loss  test_accuracy  seconds
                1     0.001          3      0.9600 ± 0.0100  0.1100    0.9500         12.0
                2     0.003          1      0.9550 ± 0.0000  0.0800    0.9450         11.0
                3     0.002          1      0.9550 ± 0.0000  0.0900    0.9450         11.0
                4     0.01           2      0.9200 ± 0.0283  0.2500    0.9100         11.5
                """
                        .replace("\n", System.lineSeparator()),
                table.render());
        assertEquals(
                """
                rank,learning-rate,seeds,val_accuracy_mean,val_accuracy_std,val_loss_mean,val_loss_std,\
                test_accuracy_mean,seconds_mean
                1,0.001,1 2 3,0.960000,0.010000,0.110000,0.010000,0.950000,12.00
                2,0.003,1,0.955000,0.000000,0.080000,0.000000,0.945000,11.00
                3,0.002,1,0.955000,0.000000,0.090000,0.000000,0.945000,11.00
                4,0.01,1 2,0.920000,0.028284,0.250000,0.070711,0.910000,11.50
                """,
                table.csv());
    }
}
