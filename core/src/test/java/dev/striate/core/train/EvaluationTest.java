package dev.striate.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    /** Rows true class, columns predicted: cat 8 right, 2 taken for dog; dog 3 right, 1 taken for cat; no birds. */
    private static final long[][] CONFUSION = {{8, 2, 0}, {1, 3, 0}, {0, 0, 0}};

    private static Evaluation evaluation() {
        return new Evaluation(List.of("cat", "dog", "bird"), 14, 0.5, 11 / 14.0, 1, new double[] {0.8, 0.75,
                Double.NaN}, CONFUSION, List.of());
    }

    @Test
    void precisionRecallAndF1PerClassByHand() {
        Evaluation e = evaluation();
        // cat: predicted cat 9 times, 8 right; 10 cats, 8 found. F1 = 2·(8/9)(8/10)/((8/9)+(8/10)) = 16/19.
        assertEquals(8 / 9.0, e.precision(0), 1e-15);
        assertEquals(0.8, e.recall(0), 1e-15);
        assertEquals(16 / 19.0, e.f1(0), 1e-15);
        // dog: predicted dog 5 times, 3 right; 4 dogs, 3 found. F1 = 2·(3/5)(3/4)/((3/5)+(3/4)) = 2/3.
        assertEquals(0.6, e.precision(1), 1e-15);
        assertEquals(0.75, e.recall(1), 1e-15);
        assertEquals(2 / 3.0, e.f1(1), 1e-15);
    }

    @Test
    void aClassWithoutImagesOrPredictionsHasNoPrecisionRecallOrF1() {
        Evaluation e = evaluation();
        assertEquals(Double.NaN, e.precision(2));
        assertEquals(Double.NaN, e.recall(2));
        assertEquals(Double.NaN, e.f1(2));
    }

    @Test
    void aClassNeverPredictedHasF1Zero() {
        Evaluation e = new Evaluation(List.of("a", "b"), 4, 1, 0.5, 1, new double[] {1, 0},
                new long[][] {{2, 0}, {2, 0}}, List.of());
        assertEquals(0, e.recall(1), 0);
        assertEquals(Double.NaN, e.precision(1));
        assertEquals(0, e.f1(1), 0);
        assertEquals(0.5, e.precision(0), 1e-15);
        assertEquals(2 * 0.5 / 1.5, e.f1(0), 1e-15);
    }
}
