package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Conv2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A channels-last bf16 convolution's bias ({@code conv.cu}), hand-worked: the bias added one thread per element as in
 * NCHW, and db's two-stage sum with one first-stage block per chunk of ⌈4096 / C⌉ rows (all channels) instead of one
 * per (channel, chunk), its partials still one per (channel, chunk), then one block per channel.
 */
class ChannelsLastBiasLaunchTest {
    private static NodeRun run(Conv2d op, Shape input) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC);
        NodeRun node = new NodeRun(context, new Conv2dKernel(context), op, input, DType.BF16);
        node.run(RunContext.training(1, 1));
        return node;
    }

    @Test
    void fewChannelsSumInOneBlock() {
        // y [2, 4, 6, 6]: N 2, C 4, S 36; 72 rows, chunks of ⌈4096 / 4⌉ = 1024 rows: one chunk, one block.
        NodeRun node = run(Conv2d.of(4, 3, 1, 1), Shape.of(2, 3, 6, 6));
        RecordingCudaContext.Launch bias = launch(node, "add_channel_bias");
        assertEquals(List.of(node.params.get(1), node.y, 2, 4, 36), bias.arguments());
        assertEquals(2, bias.blocks(), "288 elements, 256 per block");
        RecordingCudaContext.Launch partials = launch(node, "channel_sum_partials");
        Tensor partialSums = (Tensor) partials.arguments().get(1);
        assertEquals(List.of(node.dy, partialSums, 2, 4, 36, 1024), partials.arguments());
        assertEquals(1, partials.blocks());
        assertEquals(Shape.of(4), partialSums.shape());
        assertEquals(DType.F32, partialSums.dtype());
        RecordingCudaContext.Launch gradient = launch(node, "channel_bias_gradient");
        assertEquals(List.of(partialSums, node.paramGrads.get(1), 2, 4, 36, 1024), gradient.arguments());
        assertEquals(4, gradient.blocks(), "one block per channel");
        for (RecordingCudaContext.Launch launch : List.of(bias, partials)) {
            assertEquals(ActivationLayout.NHWC, launch.layout(), launch.kernel());
        }
        assertEquals(DType.F32, gradient.storage(), "float partials into the float db");
    }

    @Test
    void wideChannelsSumInChunksOfRows() {
        // y [2, 300, 10, 10]: 200 rows of 300 channels (above 256 threads, not a multiple of 32); chunks of
        // ⌈4096 / 300⌉ = 14 rows, ⌈200 / 14⌉ = 15 of them (the last 4 rows): 15 blocks, partials 300 · 15.
        NodeRun node = run(Conv2d.of(300, 1, 1, 0), Shape.of(2, 3, 10, 10));
        RecordingCudaContext.Launch partials = launch(node, "channel_sum_partials");
        Tensor partialSums = (Tensor) partials.arguments().get(1);
        assertEquals(List.of(node.dy, partialSums, 2, 300, 100, 14), partials.arguments());
        assertEquals(15, partials.blocks());
        assertEquals(Shape.of(4500), partialSums.shape());
        assertEquals(300, launch(node, "channel_bias_gradient").blocks());
    }

    private static RecordingCudaContext.Launch launch(NodeRun node, String kernel) {
        List<RecordingCudaContext.Launch> found = node.context.launches().stream()
                .filter(l -> l.kernel().equals(kernel)).toList();
        assertEquals(1, found.size(), kernel + " in " + node.context.launches());
        return found.getFirst();
    }
}
