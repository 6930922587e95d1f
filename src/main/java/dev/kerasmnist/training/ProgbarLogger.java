package dev.kerasmnist.training;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressState;

/**
 * Keras's {@code ProgbarLogger}, the {@code fit(verbose=1)} output: {@code Epoch 1/5}, then
 * {@code 235/469 [==============>...............] - ETA: 1s - loss: 0.2577 - accuracy: 0.9245}.
 *
 * <p>On a terminal the bar moves (drawn by the progressbar library); otherwise (CI logs, pipes) only the epoch's
 * final line is printed, so logs are not flooded.
 */
public final class ProgbarLogger implements Callback {
    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean interactive;
    private ProgressBar bar;
    private int steps;
    private long epochStart;
    private double lastLoss = Double.NaN;
    private double lastAccuracy = Double.NaN;
    private int lastStep;
    private int widest;

    public ProgbarLogger(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Animated when standard output is a terminal (as Java sees it; the CLI also knows Maven's case). */
    public static ProgbarLogger forConsole(PrintStream out) {
        return new ProgbarLogger(out, out == System.out && System.console() != null);
    }

    @Override
    public void onEpochBegin(int epoch, TrainingContext context) {
        int epochs = context.fit().epochs();
        this.steps = context.stepsPerEpoch();
        this.epochStart = System.nanoTime();
        out.println("Epoch " + epoch + "/" + epochs);
        if (interactive) {
            bar = new ProgressBarBuilder()
                    .setInitialMax(steps)
                    .setUpdateIntervalMillis(100)
                    .setConsumer(new ConsoleProgressBarConsumer(out, 160))
                    .setRenderer((state, maxLength) -> padded(render(state)))
                    .build();
        }
    }

    @Override
    public void onBatchEnd(int step, double batchLoss, double loss, double accuracy) {
        lastStep = step;
        lastLoss = loss;
        lastAccuracy = accuracy;
        if (bar != null) {
            bar.setExtraMessage(metrics(loss, accuracy));
            bar.stepTo(step);
        }
    }

    /** Ends the epoch's line, with val_loss and val_accuracy appended when there was validation. */
    @Override
    public void onEpochEnd(EpochStats epoch, TrainingContext context) {
        String extra = !epoch.validated()
                ? ""
                : String.format(
                        Locale.ROOT, " - val_loss: %.4f - val_accuracy: %.4f", epoch.valLoss(), epoch.valAccuracy());
        if (bar != null) {
            bar.setExtraMessage(metrics(lastLoss, lastAccuracy) + extra);
            bar.close(); // renders the final state and ends the line
            bar = null;
        } else {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - epochStart);
            out.println(line(lastStep, steps, elapsed, null, metrics(lastLoss, lastAccuracy) + extra));
        }
    }

    /** Stops a bar left running by an epoch that did not finish (a diverged run). */
    @Override
    public void onTrainEnd(TrainingContext context) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** Spaces over what a longer previous line (ETA: 10s) would leave behind after the carriage return. */
    private String padded(String line) {
        widest = Math.max(widest, line.length());
        return line + " ".repeat(widest - line.length());
    }

    private static String render(ProgressState state) {
        long current = state.getCurrent();
        long max = state.getMax();
        Duration elapsed = state.getElapsedAfterStart();
        Duration eta = current >= max
                ? null
                : current == 0
                        ? Duration.ZERO
                        : elapsed.multipliedBy(max - current).dividedBy(current);
        return line(current, max, elapsed, eta, state.getExtraMessage());
    }

    /** One Keras progress line; {@code eta} null means the epoch is done and shows time per step instead. */
    static String line(long current, long max, Duration elapsed, Duration eta, String metrics) {
        // As Keras's Progbar: '=' for done, '>' at the head while running, '.' for the rest.
        int filled = max == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * Math.min(current, max) / max);
        StringBuilder bar = new StringBuilder("[");
        if (filled > 0) {
            bar.append("=".repeat(filled - 1)).append(current < max ? '>' : '=');
        }
        bar.append(".".repeat(BAR_WIDTH - filled));
        bar.append(']');
        String width = Integer.toString(String.valueOf(max).length());
        String time;
        if (eta == null) {
            long perStepMs = current == 0 ? 0 : elapsed.toMillis() / current;
            time = elapsed.toSeconds() + "s " + perStepMs + "ms/step";
        } else {
            time = "ETA: " + eta.toSeconds() + "s";
        }
        return String.format(
                Locale.ROOT, "%" + width + "d/%d %s - %s%s", current, max, bar, time, metrics == null ? "" : metrics);
    }

    static String metrics(double loss, double accuracy) {
        return String.format(Locale.ROOT, " - loss: %.4f - accuracy: %.4f", loss, accuracy);
    }
}
