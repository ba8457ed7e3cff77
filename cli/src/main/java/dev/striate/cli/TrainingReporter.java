package dev.striate.cli;

import dev.striate.core.FileNames;
import dev.striate.core.FileProblems;
import dev.striate.core.Plural;
import dev.striate.core.train.EpochMetrics;
import dev.striate.core.train.EpochProgress;
import dev.striate.core.train.Evaluation;
import dev.striate.core.train.StepResult;
import dev.striate.core.train.TrainingListener;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shows a run as it goes, on stderr: on a terminal, one progress line ({@link ProgressLine}, 80 columns) redrawn in
 * place twice a second, so that the clock moves before the first batch ends; otherwise a plain line at least every
 * {@value #PLAIN_INTERVAL_SECONDS} seconds, whether or not a batch finished. A line per epoch, per skipped file and per
 * checkpoint (not on a terminal), and {@code curves.png} redrawn after each epoch. The progress line is erased, never
 * printed a second time, before any other line, so that messages and errors start on a line of their own.
 */
final class TrainingReporter implements TrainingListener, AutoCloseable {
    static final long PLAIN_INTERVAL_SECONDS = 30;
    private static final long REDRAW_MILLIS = 500;
    private static final String ERASE_LINE = "\r\033[K";

    private final PrintStream err;
    private final boolean live;
    private final Path curves;
    private final long plainIntervalNanos;
    private final ScheduledExecutorService ticker;
    private int epochs;
    /** What the progress line shows now; null between phases. */
    private Phase phase;
    private boolean drawn;
    private long lastPlainLine;

    /** The phase being shown: an epoch's training or a validation pass. */
    private static final class Phase {
        final String task;
        final int total;
        final int startBatch;
        final long started = System.nanoTime();
        long lastBatchAt = started;
        int done;
        String metrics = "";
        double imagesPerSecond = Double.NaN;
        double secondsPerBatch = Double.NaN;

        Phase(String task, int startBatch, int total) {
            this.task = task;
            this.startBatch = startBatch;
            this.total = total;
            this.done = startBatch;
        }

        ProgressLine line() {
            double elapsed = (System.nanoTime() - started) / 1e9;
            int ran = done - startBatch;
            double left = ran == 0 ? Double.NaN : elapsed / ran * (total - done);
            return new ProgressLine(task, done, total, metrics, imagesPerSecond, secondsPerBatch, elapsed, left);
        }
    }

    /**
     * {@code live}: draw a progress line in place ({@link Console#interactive()} says when a person is watching);
     * {@code curves}: the chart to redraw after each epoch, or null for none.
     */
    TrainingReporter(Console console, boolean live, Path curves) {
        this(console, live, curves, PLAIN_INTERVAL_SECONDS * 1_000_000_000L, true);
    }

    /** For tests: {@code ticking} false leaves {@link #tick()} to the caller. */
    TrainingReporter(Console console, boolean live, Path curves, long plainIntervalNanos, boolean ticking) {
        this.err = console.err();
        this.live = live;
        this.curves = curves;
        this.plainIntervalNanos = plainIntervalNanos;
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "striate-progress");
            thread.setDaemon(true);
            return thread;
        });
        if (ticking) {
            long period = live ? REDRAW_MILLIS : 1000;
            ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void epochStarted(int epoch, int epochs, int startBatch, int batches) {
        this.epochs = epochs;
        endBar();
        if (startBatch > 0) {
            err.printf("epoch %d/%d: resuming at batch %d of %d%n", epoch + 1, epochs, startBatch + 1, batches);
        }
        start(new Phase("epoch " + (epoch + 1) + "/" + epochs, startBatch, batches));
    }

    @Override
    public synchronized void batchFinished(int epoch, int batch, int batches, EpochProgress progress,
                                           StepResult step) {
        if (phase == null) {
            return;
        }
        phase.done = batch + 1;
        phase.metrics = String.format(Locale.ROOT, "loss %.4f acc %.4f", progress.meanLoss(), progress.accuracy());
        phase.imagesPerSecond = progress.images() / progress.seconds();
        long now = System.nanoTime();
        phase.secondsPerBatch = (now - phase.lastBatchAt) / 1e9;
        phase.lastBatchAt = now;
        if (live) {
            draw();
        }
    }

    @Override
    public synchronized void fileSkipped(String reason) {
        erase();
        err.println("warning: skipped unreadable file " + reason);
    }

    @Override
    public synchronized void validationStarted(int epoch, int batches) {
        endBar();
        start(new Phase("validation", 0, batches));
    }

    @Override
    public synchronized void validationBatchFinished(int batch) {
        if (phase == null) {
            return;
        }
        phase.done = batch + 1;
        if (live) {
            draw();
        }
    }

    @Override
    public synchronized void epochFinished(EpochMetrics m, Evaluation validation, List<EpochMetrics> history) {
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
            } catch (IOException e) {
                err.println("warning: cannot draw " + FileNames.quoted(curves) + ": " + FileProblems.reason(e));
            } catch (RuntimeException e) {
                err.println("warning: cannot draw " + FileNames.quoted(curves) + ": " + e.getMessage());
            }
        }
    }

    @Override
    public synchronized void checkpointWritten(Path directory, int epoch, int batch) {
        if (live) {
            return;
        }
        err.println("checkpoint " + directory + ": " + (batch == 0 ? "end of epoch " + epoch
                : "epoch " + (epoch + 1) + " batch " + batch + (phase == null ? "" : "/" + phase.total)));
    }

    @Override
    public synchronized void notice(String line) {
        erase();
        err.println(line);
    }

    /** Erases the progress line until the next phase (epoch or validation) starts. */
    synchronized void endBar() {
        erase();
        phase = null;
    }

    /** Erases the progress line and stops the ticker. */
    @Override
    public synchronized void close() {
        endBar();
        ticker.shutdownNow();
    }

    /** Erases the progress line, so that the next line starts at the left; the ticker draws it again. */
    private void erase() {
        if (drawn) {
            err.print(ERASE_LINE);
            err.flush();
            drawn = false;
        }
    }

    private void start(Phase next) {
        phase = next;
        lastPlainLine = System.nanoTime();
        if (live) {
            draw();
        }
    }

    /** Redraws the line, or prints a plain line when the interval has passed; the ticker calls it. */
    synchronized void tick() {
        if (phase == null) {
            return;
        }
        if (live) {
            draw();
        } else if (System.nanoTime() - lastPlainLine >= plainIntervalNanos) {
            plainLine();
        }
    }

    private void draw() {
        err.print(ERASE_LINE + phase.line().render(ProgressLine.WIDTH));
        err.flush();
        drawn = true;
    }

    private void plainLine() {
        lastPlainLine = System.nanoTime();
        ProgressLine line = phase.line();
        err.printf(Locale.ROOT, "%s  batch %d/%d (%.0f%%)%s%s  elapsed %s%s%n", line.task(), line.done(),
                line.total(), 100.0 * line.done() / line.total(), line.metrics().isEmpty() ? "" : "  " + line.metrics(),
                Double.isNaN(line.imagesPerSecond()) ? ""
                        : String.format(Locale.ROOT, "  %.0f img/s", line.imagesPerSecond()),
                ProgressLine.clock(line.elapsedSeconds()),
                Double.isNaN(line.secondsLeft()) ? "" : "  ETA " + ProgressLine.clock(line.secondsLeft()));
    }
}
