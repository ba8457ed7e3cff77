package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
    @Test
    void aTypicalLineHasBarCountLossAccuracySpeedAndTime() {
        ProgressLine line = new ProgressLine("epoch 3/10", 135, 270, "loss 0.1234 acc 0.9876", 512.4, 0.12, 83, 154);
        // 64 characters besides the bar leave 79 - 64 - 3 = 12 inside it, half of them filled.
        assertEquals("epoch 3/10 [######......] 135/270  loss 0.1234 acc 0.9876  512 img/s  1:23<2:34",
                line.render(79));
    }

    @Test
    void slowBatchesShowSecondsPerBatch() {
        ProgressLine line = new ProgressLine("epoch 1/1", 2, 9, "loss 2.3026 acc 0.1000", 21, 3.04, 6, 21);
        String text = line.render(79);
        assertTrue(text.contains("21 img/s 3.0 s/batch"), text);
        assertTrue(text.length() <= 79, text);
    }

    @Test
    void theWidestNumbersStillFitEightyColumnsAndKeepLossAndAccuracy() {
        ProgressLine line = new ProgressLine("epoch 1000/1000", 1_234_567, 9_999_999, "loss 12345.6789 acc 0.1234",
                123_456, 12.5, 400_000, 999_999);
        String text = line.render(79);
        assertTrue(text.length() <= 79, text.length() + ": " + text);
        assertTrue(text.contains("loss 12345.6789 acc 0.1234"), text);
        assertTrue(text.contains("1234567/9999999"), text);
    }

    @Test
    void beforeTheFirstBatchTheClockRunsWithoutSpeedOrTimeLeft() {
        ProgressLine line = new ProgressLine("epoch 1/5", 0, 100, "", Double.NaN, Double.NaN, 7, Double.NaN);
        String text = line.render(79);
        assertTrue(text.startsWith("epoch 1/5 [............] 0/100  0:07"), text);
        assertFalse(text.contains("img/s"), text);
    }
}
