package dev.striate.cpu.kernel;

import static dev.striate.cpu.kernel.KernelHarness.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.RunContext;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoftmaxCrossEntropyKernelTest {
    private static final double TOLERANCE = 1e-12;
    private static final double LN2 = Math.log(2);
    private static final RunContext CONTEXT = RunContext.training(1, 1);

    private static double loss(double smoothing, Tensor logits, double... labels) {
        Tensor labelTensor = tensor(Shape.of(labels.length), labels);
        return KernelHarness.forward(new SoftmaxCrossEntropy(smoothing), CONTEXT, logits, labelTensor).values()[0];
    }

    @Test
    void uniformLogitsCostLogK() {
        double[] logits = new double[3 * 5];
        Arrays.fill(logits, 0.7);
        assertEquals(Math.log(5), loss(0, tensor(Shape.of(3, 5), logits), 0, 2, 4), TOLERANCE);
        assertEquals(Math.log(5), loss(0.2, tensor(Shape.of(3, 5), logits), 0, 2, 4), TOLERANCE);
    }

    @Test
    void theLossIsTheMeanOverTheBatch() {
        // Probabilities (1/4, 1/2, 1/4) in both rows: label 1 costs ln 2, label 0 costs ln 4; the mean is 1.5 ln 2.
        Tensor logits = tensor(Shape.of(2, 3), 0, LN2, 0, 0, LN2, 0);
        assertEquals(1.5 * LN2, loss(0, logits, 1, 0), TOLERANCE);
    }

    @Test
    void labelSmoothingSpreadsEpsilonOverAllClasses() {
        // epsilon 0.3, K 3: target (0.1, 0.8, 0.1) against p = (1/4, 1/2, 1/4):
        // -(0.1 ln 1/4 + 0.8 ln 1/2 + 0.1 ln 1/4) = 0.4 ln 2 + 0.8 ln 2 = 1.2 ln 2.
        Tensor logits = tensor(Shape.of(1, 3), 0, LN2, 0);
        assertEquals(1.2 * LN2, loss(0.3, logits, 1), TOLERANCE);
    }

    @Test
    void gradientIsProbabilitiesMinusTargetOverTheBatchAndNoneForLabels() {
        Tensor logits = tensor(Shape.of(1, 3), 0, LN2, 0);
        Tensor labels = tensor(Shape.of(1), 1);
        SoftmaxCrossEntropy op = new SoftmaxCrossEntropy(0.3);
        KernelHarness.Forward forward = KernelHarness.forward(op, CONTEXT, logits, labels);
        List<double[]> grads = KernelHarness.backward(op, CONTEXT, forward, new double[] {2}, logits, labels);
        // 2 · (p - t) = 2 · ((0.25, 0.5, 0.25) - (0.1, 0.8, 0.1)).
        assertArrayEquals(new double[] {0.3, -0.6, 0.3}, grads.get(0), TOLERANCE);
        assertNull(grads.get(1));
    }

    @Test
    void aLabelOutsideTheClassesNamesTheLabelAndK() {
        Tensor logits = tensor(Shape.of(2, 5), new double[10]);
        for (double bad : new double[] {5, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss(0, logits, 0, bad));
            String label = Long.toString((long) bad);
            assertTrue(e.getMessage().contains("label " + label + " ") && e.getMessage().contains("K = 5"),
                    e.getMessage());
        }
        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
                () -> loss(0, logits, 1.5, 0));
        assertTrue(fraction.getMessage().contains("label 1.5 "), fraction.getMessage());
    }
}
