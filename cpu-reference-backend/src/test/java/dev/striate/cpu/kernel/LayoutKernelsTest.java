package dev.striate.cpu.kernel;

import static dev.striate.cpu.kernel.KernelHarness.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Add;
import dev.striate.core.op.ChannelShuffle;
import dev.striate.core.op.Concat;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.SliceChannels;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** add, concat, slice_channels, channel_shuffle and flatten on small hand-written tensors. */
class LayoutKernelsTest {
    private static final RunContext CONTEXT = RunContext.evaluation();

    @Test
    void addSumsEveryInputAndHandsEachTheOutputGradient() {
        Tensor a = tensor(Shape.of(1, 3), 1, 2, 3);
        Tensor b = tensor(Shape.of(1, 3), 10, 20, 30);
        Tensor c = tensor(Shape.of(1, 3), -1, 0.5, 100);
        KernelHarness.Forward forward = KernelHarness.forward(new Add(), CONTEXT, a, b, c);
        assertArrayEquals(new double[] {10, 22.5, 133}, forward.values(), 1e-12);
        List<double[]> grads = KernelHarness.backward(new Add(), CONTEXT, forward, new double[] {4, 5, 6}, a, b, c);
        for (double[] g : grads) {
            assertArrayEquals(new double[] {4, 5, 6}, g, 0);
        }
    }

    @Test
    void concatStacksChannelsPerBatchItem() {
        // Item 0: x0 has channel (1), x1 has channels (3, 4); item 1: (2) and (5, 6).
        Tensor x0 = tensor(Shape.of(2, 1, 1, 1), 1, 2);
        Tensor x1 = tensor(Shape.of(2, 2, 1, 1), 3, 4, 5, 6);
        KernelHarness.Forward forward = KernelHarness.forward(new Concat(), CONTEXT, x0, x1);
        assertEquals(Shape.of(2, 3, 1, 1), forward.output().shape());
        assertArrayEquals(new double[] {1, 3, 4, 2, 5, 6}, forward.values(), 0);
        List<double[]> grads = KernelHarness.backward(new Concat(), CONTEXT, forward,
                new double[] {10, 11, 12, 13, 14, 15}, x0, x1);
        assertArrayEquals(new double[] {10, 13}, grads.get(0), 0);
        assertArrayEquals(new double[] {11, 12, 14, 15}, grads.get(1), 0);
    }

    @Test
    void concatOfRankTwoInputsKeepsPositionsWithinAChannelTogether() {
        Tensor x0 = tensor(Shape.of(2, 2), 1, 2, 3, 4);
        Tensor x1 = tensor(Shape.of(2, 1), 5, 6);
        assertArrayEquals(new double[] {1, 2, 5, 3, 4, 6},
                KernelHarness.forward(new Concat(), CONTEXT, x0, x1).values(), 0);
        Tensor y0 = tensor(Shape.of(1, 2, 1, 2), 1, 2, 3, 4);
        Tensor y1 = tensor(Shape.of(1, 1, 1, 2), 5, 6);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6},
                KernelHarness.forward(new Concat(), CONTEXT, y0, y1).values(), 0);
    }

    @Test
    void sliceChannelsTakesTheRangeAndGivesTheOthersNoGradient() {
        Tensor x = tensor(Shape.of(2, 4), 0, 1, 2, 3, 4, 5, 6, 7);
        SliceChannels op = new SliceChannels(1, 3);
        KernelHarness.Forward forward = KernelHarness.forward(op, CONTEXT, x);
        assertArrayEquals(new double[] {1, 2, 5, 6}, forward.values(), 0);
        double[] dx = KernelHarness.backward(op, CONTEXT, forward, new double[] {10, 20, 30, 40}, x).getFirst();
        assertArrayEquals(new double[] {0, 10, 20, 0, 0, 30, 40, 0}, dx, 0);
    }

    @Test
    void channelShuffleInterleavesTheGroups() {
        // Channels 0..5 hold their own number. Two groups (0 1 2)(3 4 5) interleave to 0 3 1 4 2 5;
        // three groups (0 1)(2 3)(4 5) to 0 2 4 1 3 5.
        Tensor x = tensor(Shape.of(1, 6, 1, 1), 0, 1, 2, 3, 4, 5);
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5},
                KernelHarness.forward(new ChannelShuffle(2), CONTEXT, x).values(), 0);
        assertArrayEquals(new double[] {0, 2, 4, 1, 3, 5},
                KernelHarness.forward(new ChannelShuffle(3), CONTEXT, x).values(), 0);
    }

    @Test
    void channelShuffleBackwardIsTheInversePermutation() {
        // Each channel holds two positions; the gradient of output channel j goes back to the channel it came from.
        Tensor x = tensor(Shape.of(1, 4, 1, 2), 0, 0, 1, 1, 2, 2, 3, 3);
        ChannelShuffle op = new ChannelShuffle(2);
        KernelHarness.Forward forward = KernelHarness.forward(op, CONTEXT, x);
        assertArrayEquals(new double[] {0, 0, 2, 2, 1, 1, 3, 3}, forward.values(), 0);
        double[] dx = KernelHarness.backward(op, CONTEXT, forward, forward.values(), x).getFirst();
        assertArrayEquals(new double[] {0, 0, 1, 1, 2, 2, 3, 3}, dx, 0);
    }

    @Test
    void flattenKeepsNchwOrder() {
        Tensor x = tensor(Shape.of(2, 2, 1, 2), 1, 2, 3, 4, 5, 6, 7, 8);
        KernelHarness.Forward forward = KernelHarness.forward(new Flatten(), CONTEXT, x);
        assertEquals(Shape.of(2, 4), forward.output().shape());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, forward.values(), 0);
        double[] dx = KernelHarness.backward(new Flatten(), CONTEXT, forward, new double[] {8, 7, 6, 5, 4, 3, 2, 1},
                x).getFirst();
        assertArrayEquals(new double[] {8, 7, 6, 5, 4, 3, 2, 1}, dx, 0);
    }
}
