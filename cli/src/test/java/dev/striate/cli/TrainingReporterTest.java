package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.train.EpochMetrics;
import dev.striate.core.train.EpochProgress;
import dev.striate.core.train.Evaluation;
import dev.striate.core.train.StepResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingReporterTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Console console = new Console(new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);

    private List<String> lines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static Evaluation validation(int classes) {
        List<String> names = java.util.stream.IntStream.range(0, classes).mapToObj(i -> "c" + i).toList();
        return new Evaluation(names, 10, 0.5, 0.8, 0.99, new double[classes], new long[classes][classes], List.of());
    }

    private static final EpochMetrics ROW = new EpochMetrics(2, 0.51234, 0.8, 0.45678, 0.85, 0.99, 0.001, 321.4,
            12.34, 1);

    @Test
    void plainOutputHasOneLinePerEpochCheckpointAndSkippedFile() {
        try (TrainingReporter reporter = new TrainingReporter(console, false, null, Long.MAX_VALUE, false)) {
            reporter.epochStarted(1, 5, 4, 10);
            reporter.fileSkipped("data/cat/broken.jpg: truncated");
            reporter.checkpointWritten(Path.of("run", "last"), 1, 8);
            reporter.epochFinished(ROW, validation(10), List.of(ROW));
            reporter.checkpointWritten(Path.of("run", "last"), 2, 0);
        }
        assertEquals(List.of(
                "epoch 2/5: resuming at batch 5 of 10",
                "warning: skipped unreadable file data/cat/broken.jpg: truncated",
                "checkpoint " + Path.of("run", "last") + ": epoch 2 batch 8/10",
                "epoch 2/5  train loss 0.5123 acc 0.8000  val loss 0.4568 top-1 0.8500 top-5 0.9900  lr 0.001000"
                        + "  321 img/s  12.3 s  skipped 1 file",
                "checkpoint " + Path.of("run", "last") + ": end of epoch 2"), lines());
    }

    @Test
    void topFiveIsLeftOutForFiveClassesOrFewer() {
        try (TrainingReporter reporter = new TrainingReporter(console, false, null, Long.MAX_VALUE, false)) {
            reporter.epochStarted(1, 5, 0, 10);
            reporter.epochFinished(ROW, validation(5), List.of(ROW));
        }
        assertEquals(List.of("epoch 2/5  train loss 0.5123 acc 0.8000  val loss 0.4568 top-1 0.8500  lr 0.001000"
                + "  321 img/s  12.3 s  skipped 1 file"), lines());
    }

    @Test
    void withoutATerminalAPlainLineComesWhenTheIntervalHasPassedEvenWithoutAFinishedBatch() {
        try (TrainingReporter reporter = new TrainingReporter(console, false, null, 0, false)) {
            reporter.epochStarted(0, 3, 0, 200);
            reporter.tick();
            reporter.batchFinished(0, 0, 200, new EpochProgress(2.5, 3, 4, 0, 2), new StepResult(2.5, 3, 4, 0.1));
            reporter.tick();
        }
        List<String> lines = lines();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("epoch 1/3  batch 0/200 (0%)  elapsed 0:00"), lines.get(0));
        // A loss sum of 2.5 over 4 images is a mean of 0.625; 3 of 4 right; 4 images in 2 s.
        assertTrue(lines.get(1).startsWith("epoch 1/3  batch 1/200 (1%)  loss 0.6250 acc 0.7500  2 img/s  elapsed"),
                lines.get(1));
    }

    @Test
    void onATerminalTheLineIsDrawnInPlaceFromTheStartAndErasedNotRepeatedBeforeOtherLines() {
        try (TrainingReporter reporter = new TrainingReporter(console, true, null, Long.MAX_VALUE, false)) {
            reporter.epochStarted(0, 3, 0, 200);
            reporter.batchFinished(0, 0, 200, new EpochProgress(2.5, 3, 4, 0, 2), new StepResult(2.5, 3, 4, 0.1));
            reporter.notice("a notice");
            reporter.validationStarted(0, 5);
            reporter.epochFinished(ROW, validation(3), List.of(ROW));
        }
        String text = err.toString(StandardCharsets.UTF_8);
        String erase = "\r\033[K";
        assertTrue(text.startsWith(erase + "epoch 1/3 [....."), text);
        assertTrue(text.contains(erase + "a notice\n"), "the notice starts on a clean line: " + text);
        String[] drawings = text.split("\r\033\\[K");
        for (String drawing : drawings) {
            if (drawing.startsWith("epoch 1/3 [") || drawing.startsWith("validation [")) {
                assertTrue(drawing.length() <= 79 && !drawing.contains("\n"), "fits 80 columns: '" + drawing + "'");
            }
        }
        assertEquals(1, text.lines().filter(line -> line.contains("validation [")).count(),
                "the validation line is drawn once and erased, never printed as a line of its own: " + text);
        assertTrue(text.endsWith("lr 0.001000  321 img/s  12.3 s  skipped 1 file\n"), text);
    }
}
