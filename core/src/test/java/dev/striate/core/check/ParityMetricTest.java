package dev.striate.core.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import org.junit.jupiter.api.Test;

/** The parity metric on hand-worked tensors. */
class ParityMetricTest {
    @Test
    void elementwiseErrorIsRelativeToTheLargerValueWithAnAbsoluteFloor() {
        ParityRow row = ParityMetric.elementwise(1e-2).compare("t",
                new double[] {1.0, 0.0, -2.0}, new double[] {1.01, 0.0005, -2.0}, 0);
        // 0.01 / 1.01 = 0.0099; 0.0005 / max(0.0005, 1e-3) = 0.5; 0.
        assertEquals(0.5, row.maxRelError(), 1e-12);
        assertEquals(1, row.worstIndex());
        assertEquals(0.0005, row.actual(), 0);
        assertEquals(0.0, row.expected(), 0);
        assertFalse(row.passed());
    }

    @Test
    void anElementNearZeroIsMeasuredAgainstTheRmsOfTheReference() {
        // RMS of {3, -4, 0, 0} = sqrt(25 / 4) = 2.5: the 0.05 at index 2 is 0.05 / 2.5 = 0.02, not 0.05 / 0.05 = 1.
        double[] expected = {3, -4, 0, 0};
        double[] actual = {3, -4, 0.05, 0};
        ParityRow row = new ParityMetric(1e-3, 1, 3e-2).compare("t", expected, actual, 0);
        assertEquals(0.02, row.maxRelError(), 1e-12);
        assertEquals(2, row.worstIndex());
        assertTrue(row.passed());
        assertEquals(1.0, ParityMetric.elementwise(3e-2).compare("t", expected, actual, 0).maxRelError(), 1e-12);
        // Half the RMS as the floor: 0.05 / 1.25 = 0.04.
        assertEquals(0.04, new ParityMetric(1e-3, 0.5, 3e-2).compare("t", expected, actual, 0).maxRelError(), 1e-12);
    }

    @Test
    void anElementOfTypicalSizeIsStillHeldToTheToleranceRelativeToItself() {
        // RMS of {10, 0, 0, 0} = 5; 10.4 against 10 is 0.4 / 10.4 = 0.0385 > 3e-2.
        ParityRow row = new ParityMetric(1e-3, 1, 3e-2).compare("t", new double[] {10, 0, 0, 0},
                new double[] {10.4, 0, 0, 0}, 0);
        assertEquals(0.4 / 10.4, row.maxRelError(), 1e-12);
        assertFalse(row.passed());
    }

    @Test
    void theFloorComesFromTheReferenceNotFromTheCandidate() {
        // A candidate of huge values does not widen its own floor: RMS(expected) = 1e-3 here, the absolute floor.
        ParityRow row = new ParityMetric(1e-3, 1, 3e-2).compare("t", new double[] {0.001, -0.001},
                new double[] {0.001, 100}, 0);
        assertEquals(100.001 / 100, row.maxRelError(), 1e-12);
    }

    @Test
    void aTensorThatIsZeroByCancellationIsMeasuredAgainstItsRelatedScale() {
        // The reference is 0; the candidate's rounding noise 0.004 is 0.004 / max(0.004, 1e-3) = 1 on its own, and
        // 0.004 / 0.5 against a sibling gradient of RMS 0.5.
        double[] expected = {0, 0};
        double[] actual = {0.004, -0.001};
        ParityMetric metric = new ParityMetric(1e-3, 1, 3e-2);
        assertEquals(1, metric.compare("t", expected, actual, 0).maxRelError(), 1e-12);
        assertEquals(0.008, metric.compare("t", expected, actual, 0.5).maxRelError(), 1e-12);
        // The related scale only ever raises the floor: a tensor larger than it keeps its own RMS.
        assertEquals(0.05 / 2.5, metric.compare("t", new double[] {3, -4, 0, 0}, new double[] {3, -4, 0.05, 0}, 0.1)
                .maxRelError(), 1e-12);
    }

    @Test
    void nanIsTheWorstErrorAndFails() {
        ParityRow row = new ParityMetric(1e-3, 1, 3e-2).compare("t", new double[] {1, 2},
                new double[] {1, Double.NaN}, 0);
        assertEquals(Double.POSITIVE_INFINITY, row.maxRelError());
        assertEquals(1, row.worstIndex());
        assertFalse(row.passed());
    }

    @Test
    void eachPrecisionHasItsMetricAndTheOutputNamesIt() {
        assertEquals("|a-b| / max(|a|, |b|, 1e-3) <= 1e-4", ParityMetric.elementwise(1e-4).description());
        assertEquals("|a-b| / max(|a|, |b|, 1e-3, RMS(ref)) <= 1e-4",
                ParityMetric.forPrecision(Precision.FP32).description());
        assertEquals("|a-b| / max(|a|, |b|, 1e-3, RMS(ref)) <= 5e-3",
                ParityMetric.forPrecision(Precision.TF32).description());
        assertEquals("|a-b| / max(|a|, |b|, 1e-3, RMS(ref)) <= 0.1",
                ParityMetric.forComposites(Precision.BF16).description());
        assertEquals("|a-b| / max(|a|, |b|, 1e-3, RMS(ref)) <= 3e-2",
                ParityMetric.forPrecision(Precision.BF16).description());
        assertEquals("|a-b| / max(|a|, |b|, 1e-3, 0.5·RMS(ref)) <= 5e-3",
                new ParityMetric(1e-3, 0.5, 5e-3).description());
    }
}
