package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.train.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingReporterTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final TrainingReporter reporter = new TrainingReporter(new Console(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), false), false, null);

    private List<String> lines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void plainOutputHasOneLinePerEpochCheckpointAndSkippedFile() {
        reporter.epochStarted(1, 5, 4, 10);
        reporter.fileSkipped("data/cat/broken.jpg: truncated");
        reporter.checkpointWritten(Path.of("run", "last"), 1, 8);
        EpochMetrics row = new EpochMetrics(2, 0.51234, 0.8, 0.45678, 0.85, 0.99, 0.001, 321.4, 12.34, 1);
        reporter.epochFinished(row, null, List.of(row));
        reporter.checkpointWritten(Path.of("run", "last"), 2, 0);
        assertEquals(List.of(
                "epoch 2/5: resuming at batch 5 of 10",
                "warning: skipped unreadable file data/cat/broken.jpg: truncated",
                "checkpoint " + Path.of("run", "last") + ": epoch 2 batch 8/10",
                "epoch 2/5  train loss 0.5123 acc 0.8000  val loss 0.4568 top-1 0.8500 top-5 0.9900  lr 0.001000"
                        + "  321 img/s  12.3 s  skipped 1 files",
                "checkpoint " + Path.of("run", "last") + ": end of epoch 2"), lines());
    }
}
