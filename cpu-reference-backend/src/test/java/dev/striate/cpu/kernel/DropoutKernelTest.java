package dev.striate.cpu.kernel;

import static dev.striate.cpu.kernel.KernelHarness.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Dropout;
import dev.striate.core.op.DropoutMask;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DropoutKernelTest {
    private static final int ELEMENTS = 200_000;
    private static final double P = 0.3;
    private static final Tensor ONES = ones();

    private static Tensor ones() {
        double[] values = new double[ELEMENTS];
        Arrays.fill(values, 1);
        return tensor(Shape.of(100, ELEMENTS / 100), values);
    }

    private static double[] trainingOutput(double p, long seed, long step) {
        return KernelHarness.forward(new Dropout(p), RunContext.training(seed, step), ONES).values();
    }

    private static int differences(double[] a, double[] b) {
        int count = 0;
        for (int i = 0; i < a.length; i++) {
            count += (a[i] != 0) != (b[i] != 0) ? 1 : 0;
        }
        return count;
    }

    @Test
    void keepsAboutOneMinusPAndScalesTheKeptByItsInverse() {
        double[] y = trainingOutput(P, 42, 5);
        int kept = 0;
        for (double v : y) {
            if (v != 0) {
                kept++;
                assertEquals(1 / (1 - P), v, 1e-12);
            }
        }
        // The kept fraction's standard deviation is sqrt(0.3 · 0.7 / 200000) ≈ 0.001; allow five of them.
        assertEquals(1 - P, (double) kept / ELEMENTS, 0.005);
    }

    @Test
    void theMaskIsCoresDropoutMaskOfSeedNodeStepAndIndex() {
        double[] y = trainingOutput(P, 42, 5);
        for (int i = 0; i < y.length; i++) {
            boolean keep = DropoutMask.keep(P, 42, KernelHarness.NODE_ID, 5, i);
            assertEquals(keep, y[i] != 0, "element " + i);
        }
    }

    @Test
    void sameSeedNodeAndStepGiveTheSameMaskAndAnotherStepOrSeedAnother() {
        double[] first = trainingOutput(P, 42, 5);
        assertEquals(0, differences(first, trainingOutput(P, 42, 5)));
        // Independent masks disagree on 2 · 0.3 · 0.7 = 42% of the elements.
        assertEquals(0.42, (double) differences(first, trainingOutput(P, 42, 6)) / ELEMENTS, 0.01);
        assertEquals(0.42, (double) differences(first, trainingOutput(P, 43, 5)) / ELEMENTS, 0.01);
    }

    @Test
    void backwardPassesTheGradientThroughTheForwardMaskOnly() {
        Tensor x = tensor(Shape.of(2, 50), IntStream.range(0, 100).mapToDouble(i -> i - 49.5)
                .toArray());
        RunContext context = RunContext.training(9, 2);
        KernelHarness.Forward forward = KernelHarness.forward(new Dropout(0.5), context, x);
        double[] dy = new double[100];
        Arrays.fill(dy, 3);
        double[] dx = KernelHarness.backward(new Dropout(0.5), context, forward, dy, x).getFirst();
        double[] y = forward.values();
        int kept = 0;
        for (int i = 0; i < 100; i++) {
            if (y[i] != 0) {
                kept++;
                assertEquals(6, dx[i], 1e-12);
            } else {
                assertEquals(0, dx[i], 0);
            }
        }
        assertTrue(kept > 0 && kept < 100, "some kept and some dropped, got " + kept + " kept");
    }

    @Test
    void evaluationAndZeroProbabilityAreTheIdentity() {
        Tensor x = tensor(Shape.of(1, 4), -2, 0.5, 3, 7);
        double[] expected = {-2, 0.5, 3, 7};
        assertArrayEquals(expected, KernelHarness.forward(new Dropout(0.9), RunContext.evaluation(), x).values(), 0);
        assertArrayEquals(expected, KernelHarness.forward(new Dropout(0), RunContext.training(1, 1), x).values(), 0);
        KernelHarness.Forward forward = KernelHarness.forward(new Dropout(0.9), RunContext.evaluation(), x);
        double[] dx = KernelHarness.backward(new Dropout(0.9), RunContext.evaluation(), forward,
                new double[] {1, 2, 3, 4}, x).getFirst();
        assertArrayEquals(new double[] {1, 2, 3, 4}, dx, 0);
    }
}
