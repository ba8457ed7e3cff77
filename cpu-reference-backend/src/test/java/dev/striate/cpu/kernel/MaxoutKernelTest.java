package dev.striate.cpu.kernel;

import static dev.striate.cpu.kernel.KernelHarness.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Maxout;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MaxoutKernelTest {
    private static final RunContext CONTEXT = RunContext.evaluation();

    @Test
    void rankTwoTakesTheMaximumOfConsecutiveGroupsAndRoutesTiesToTheFirst() {
        // Groups (1, 5, 3) and (2, 2, 0): maxima 5 (channel 1) and 2 (channels 3 and 4 tie: channel 3 wins).
        Tensor x = tensor(Shape.of(1, 6), 1, 5, 3, 2, 2, 0);
        KernelHarness.Forward forward = KernelHarness.forward(new Maxout(3), CONTEXT, x);
        assertArrayEquals(new double[] {5, 2}, forward.values(), 0);
        double[] dx = KernelHarness.backward(new Maxout(3), CONTEXT, forward, new double[] {10, 20}, x).getFirst();
        assertArrayEquals(new double[] {0, 10, 0, 20, 0, 0}, dx, 0);
    }

    @Test
    void rankFourComparesChannelsAtEachPosition() {
        // Channels over two positions: c0 (1, 4), c1 (3, 2), c2 (-1, -5), c3 (-2, -3); pieces 2.
        Tensor x = tensor(Shape.of(1, 4, 1, 2), 1, 4, 3, 2, -1, -5, -2, -3);
        KernelHarness.Forward forward = KernelHarness.forward(new Maxout(2), CONTEXT, x);
        assertArrayEquals(new double[] {3, 4, -1, -3}, forward.values(), 0);
        double[] dx = KernelHarness.backward(new Maxout(2), CONTEXT, forward, new double[] {1, 2, 3, 4}, x)
                .getFirst();
        assertArrayEquals(new double[] {0, 2, 1, 0, 3, 0, 0, 4}, dx, 0);
    }
}
