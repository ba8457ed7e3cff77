package dev.striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MedianPrunerTest {
    private static SweepTrial trial(int number, Double... top1) {
        return new SweepTrial(number, Map.of(), List.of(top1), SweepTrial.FINISHED);
    }

    @Test
    void stopsATrialBelowTheMedianOfEarlierTrialsAtTheSameEpoch() {
        // after epoch 1: 0.2, 0.4, 0.6 -> median 0.4; after epoch 2 only two trials got there: 0.5, 0.7 -> 0.6
        MedianPruner pruner = new MedianPruner(List.of(trial(1, 0.2, 0.5), trial(2, 0.4), trial(3, 0.6, 0.7)));
        String reason = pruner.reason(1, 0.39);
        assertTrue(reason != null && reason.contains("below the median 0.4000 of 3 earlier trials"), reason);
        assertNull(pruner.reason(1, 0.4), "at the median goes on");
        assertTrue(pruner.reason(2, 0.59) != null);
        assertNull(pruner.reason(2, 0.61));
        assertNull(pruner.reason(3, 0.0), "no earlier trial reached epoch 3");
    }

    @Test
    void judgesOnlyOnceEnoughEarlierTrialsReachedTheEpoch() {
        assertNull(new MedianPruner(List.of(trial(1, 0.9))).reason(1, 0.1));
        assertNull(new MedianPruner(List.of()).reason(1, 0.1));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, MedianPruner.median(List.of(3.0, 1.0, 2.0)), 0);
        assertEquals(2.5, MedianPruner.median(List.of(4.0, 1.0, 2.0, 3.0)), 0);
    }
}
