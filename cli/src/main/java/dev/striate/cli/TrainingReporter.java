package dev.striate.cli;

import dev.striate.core.train.EpochMetrics;
import dev.striate.core.train.EpochProgress;
import dev.striate.core.train.Evaluation;
import dev.striate.core.train.StepResult;
import dev.striate.core.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run as it goes, on stderr: a live progress bar (rate, ETA, running loss) on a terminal, or a plain line
 * every {@value #PLAIN_INTERVAL_SECONDS} seconds when stderr is a file or a pipe; a line per epoch, per skipped
 * file and per checkpoint; and {@code curves.png} redrawn after each epoch.
 */
final class TrainingReporter implements TrainingListener {
    static final long PLAIN_INTERVAL_SECONDS = 10;

    private final PrintStream err;
    private final boolean live;
    private final Path curves;
    private ProgressBar bar;
    private int epochs;
    private int batches;
    private int startBatch;
    private int validationBatches;
    private long epochStarted;
    private long lastLine;

    /**
     * {@code live}: draw a progress bar ({@link Console#interactive()} says when a person is watching);
     * {@code curves}: the chart to redraw after each epoch, or null for none.
     */
    TrainingReporter(Console console, boolean live, Path curves) {
        this.err = console.err();
        this.live = live;
        this.curves = curves;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int startBatch, int batches) {
        this.epochs = epochs;
        this.batches = batches;
        this.startBatch = startBatch;
        epochStarted = System.nanoTime();
        lastLine = epochStarted;
        if (startBatch > 0) {
            err.printf("epoch %d/%d: resuming at batch %d of %d%n", epoch + 1, epochs, startBatch + 1, batches);
        }
        if (live) {
            bar = new ProgressBarBuilder().setTaskName("epoch " + (epoch + 1) + "/" + epochs)
                    .setInitialMax(batches).startsFrom(startBatch, Duration.ZERO).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(err)).setUpdateIntervalMillis(250)
                    .setUnit(" batches", 1).showSpeed().build();
        }
    }

    @Override
    public void batchFinished(int epoch, int batch, int batches, EpochProgress progress, StepResult step) {
        String running = String.format(Locale.ROOT, "loss %.4f acc %.4f", progress.meanLoss(), progress.accuracy());
        if (bar != null) {
            bar.stepTo(batch + 1);
            bar.setExtraMessage(" " + running);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLine >= PLAIN_INTERVAL_SECONDS * 1_000_000_000L) {
            lastLine = now;
            double seconds = (now - epochStarted) / 1e9;
            int done = batch + 1 - startBatch;
            double eta = seconds / done * (batches - batch - 1);
            err.printf(Locale.ROOT, "epoch %d/%d  batch %d/%d (%.0f%%)  %s  %.0f img/s  ETA %s%n", epoch + 1, epochs,
                    batch + 1, batches, 100.0 * (batch + 1) / batches, running,
                    progress.images() / progress.seconds(), clock(eta));
        }
    }

    @Override
    public void fileSkipped(String reason) {
        if (bar != null) {
            // Clear the bar's line; it draws itself again below the warning.
            err.print("\r\033[K");
        }
        err.println("warning: skipped unreadable file " + reason);
    }

    @Override
    public void validationStarted(int epoch, int batches) {
        endBar();
        validationBatches = batches;
        lastLine = System.nanoTime();
        if (live) {
            bar = new ProgressBarBuilder().setTaskName("validation").setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(err))
                    .setUpdateIntervalMillis(250).setUnit(" batches", 1).showSpeed().build();
        }
    }

    @Override
    public void validationBatchFinished(int batch) {
        if (bar != null) {
            bar.stepTo(batch + 1);
            return;
        }
        long now = System.nanoTime();
        if (now - lastLine >= PLAIN_INTERVAL_SECONDS * 1_000_000_000L) {
            lastLine = now;
            err.printf(Locale.ROOT, "validation  batch %d/%d (%.0f%%)%n", batch + 1, validationBatches,
                    100.0 * (batch + 1) / validationBatches);
        }
    }

    @Override
    public void epochFinished(EpochMetrics m, Evaluation validation, List<EpochMetrics> history) {
        endBar();
        boolean topFive = validation.classes().size() > 5;
        err.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.4f  val loss %.4f top-1 %.4f%s  lr %.4g"
                        + "  %.0f img/s  %.1f s%s%n", m.epoch(), epochs, m.trainLoss(), m.trainAccuracy(), m.valLoss(),
                m.valTop1(), topFive ? String.format(Locale.ROOT, " top-5 %.4f", m.valTop5()) : "",
                m.learningRate(), m.imagesPerSecond(), m.seconds(),
                m.skippedFiles() > 0 ? "  skipped " + Plural.of(m.skippedFiles(), "file") : "");
        if (curves != null) {
            try {
                CurvesChart.write(curves, history, topFive);
            } catch (IOException | RuntimeException e) {
                err.println("warning: cannot draw " + curves + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void checkpointWritten(Path directory, int epoch, int batch) {
        if (live) {
            return;
        }
        err.println("checkpoint " + directory + ": " + (batch == 0 ? "end of epoch " + epoch
                : "epoch " + (epoch + 1) + " batch " + batch + "/" + batches));
    }

    @Override
    public void notice(String line) {
        endBar();
        err.println(line);
    }

    /** Ends a live bar (training of the epoch done, or a line must be printed). */
    void endBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }
}
