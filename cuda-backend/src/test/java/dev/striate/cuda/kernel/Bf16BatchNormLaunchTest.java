package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bf16 batch norm runs on {@code batchnorm.cu}, not cuDNN (whose legacy batch norm documents no bf16 configuration):
 * no cuDNN call at all, and each kernel given bf16 x, y, dx, dy beside the float γ, β, statistics and gradients,
 * hand-worked from x [2, 3, 2, 2] (N 2, C 3, S 4: 8 values per channel, one chunk of up to 4096), eps 1e-3, momentum
 * 0.25. Per-channel sums in two stages (one block per (channel, chunk) writing float partials [2, C·K], then one block
 * per channel), elementwise passes one thread per element. A null pointer (0) stands for γ and β without affine
 * parameters, and for a result not wanted. Channels-last (NHWC), the same kernels take the same arguments but for the
 * chunk length, now in rows of all C channels (⌈4096 / C⌉, at most 1024 chunks), and the sums' first stage has one
 * block per chunk of rows instead of one per (channel, chunk).
 */
class Bf16BatchNormLaunchTest {
    private static final Long NULL = 0L;

    private static NodeRun run(BatchNorm op, Shape shape, RunContext runContext) {
        return run(op, shape, runContext, ActivationLayout.NCHW);
    }

    private static NodeRun run(BatchNorm op, Shape shape, RunContext runContext, ActivationLayout layout) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, layout);
        NodeRun node = new NodeRun(context, new BatchNormKernel(context), op, shape, DType.BF16);
        node.run(runContext);
        return node;
    }

    private static NodeRun run(BatchNorm op, RunContext runContext) {
        return run(op, Shape.of(2, 3, 2, 2), runContext);
    }

    @Test
    void trainingNormalizesWithBatchStatisticsSavedInFloat() {
        NodeRun node = run(new BatchNorm(1e-3, 0.25, true), RunContext.training(1, 1));
        List<Tensor> p = node.params;
        assertEquals(List.of(), node.context.cudnnCalls());

        RecordingCudaContext.Launch partials = launch(node, "batch_norm_statistics_partials");
        Tensor statisticsPartials = (Tensor) partials.arguments().get(1);
        // (x, partials, N, C, S, chunkLength): one chunk per channel, 3 blocks.
        assertEquals(List.of(node.x, statisticsPartials, 2, 3, 4, 4096), partials.arguments());
        assertEquals(3, partials.blocks());
        assertEquals(Shape.of(2, 3), statisticsPartials.shape());
        RecordingCudaContext.Launch finalize = launch(node, "batch_norm_statistics_finalize");
        Tensor savedMean = (Tensor) finalize.arguments().get(3);
        Tensor savedInverseStd = (Tensor) finalize.arguments().get(4);
        // (partials, runningMean, runningVar, savedMean, savedInverseStd, N, C, S, chunkLength, momentum, eps)
        assertEquals(List.of(statisticsPartials, p.get(2), p.get(3), savedMean, savedInverseStd, 2, 3, 4, 4096, 0.25f,
                1e-3f), finalize.arguments());
        assertEquals(3, finalize.blocks(), "one block per channel");
        for (Tensor saved : List.of(savedMean, savedInverseStd, statisticsPartials)) {
            assertEquals(DType.F32, saved.dtype());
        }
        assertEquals(Shape.of(3), savedMean.shape());
        RecordingCudaContext.Launch normalize = launch(node, "batch_norm_normalize");
        // (x, y, gamma, beta, mean, inverseStd, N, C, S): 24 elements, one block of 256.
        assertEquals(List.of(node.x, node.y, p.get(0), p.get(1), savedMean, savedInverseStd, 2, 3, 4),
                normalize.arguments());
        assertEquals(1, normalize.blocks());
        assertEquals(List.of(p.get(4)), launch(node, "increment_i64").arguments());

        RecordingCudaContext.Launch gradientPartials = launch(node, "batch_norm_gradient_partials");
        Tensor partialGradients = (Tensor) gradientPartials.arguments().get(4);
        // (x, dy, mean, inverseStd, partials, N, C, S, chunkLength)
        assertEquals(List.of(node.x, node.dy, savedMean, savedInverseStd, partialGradients, 2, 3, 4, 4096),
                gradientPartials.arguments());
        assertEquals(3, gradientPartials.blocks());
        RecordingCudaContext.Launch gradientFinalize = launch(node, "batch_norm_gradient_finalize");
        Tensor sums = (Tensor) gradientFinalize.arguments().get(3);
        // (partials, dgamma, dbeta, sums, N, C, S, chunkLength): the sums [Σdy, Σdy·x̂] per channel for dx.
        assertEquals(List.of(partialGradients, node.paramGrads.get(0), node.paramGrads.get(1), sums, 2, 3, 4, 4096),
                gradientFinalize.arguments());
        assertEquals(Shape.of(2, 3), sums.shape());
        // (x, dy, dx, gamma, savedMean, savedInverseStd, sums, N, C, S, accumulate): dx is added into
        assertEquals(List.of(node.x, node.dy, node.dx, p.get(0), savedMean, savedInverseStd, sums, 2, 3, 4, 1),
                launch(node, "batch_norm_training_input_gradient").arguments());
        assertEquals(7, node.context.launches().size(), "3 forward, counter, 3 backward: nothing else");
        // Kernels given bf16 activations run in the bf16 variant; the counter and the finalizing stages (float
        // partials into float statistics and gradients) in the F32 one.
        node.context.launches().forEach(l -> assertEquals(l.kernel().equals("increment_i64")
                || l.kernel().endsWith("_finalize") ? DType.F32 : DType.BF16, l.storage(), l.kernel()));
        assertEquals(4 + 5 + 2, node.context.device().liveCount(), "partials, sums and saved statistics released");
    }

    @Test
    void withoutAffineGammaAndBetaAreNullPointers() {
        NodeRun node = run(new BatchNorm(1e-5, 0.1, false), RunContext.training(1, 1));
        List<Object> normalize = launch(node, "batch_norm_normalize").arguments();
        assertEquals(List.of(node.x, node.y, NULL, NULL), normalize.subList(0, 4));
        assertEquals(List.of(node.params.get(0), node.params.get(1)),
                launch(node, "batch_norm_statistics_finalize").arguments().subList(1, 3));
        assertEquals(List.of(NULL, NULL), launch(node, "batch_norm_gradient_finalize").arguments().subList(1, 3));
        assertEquals(List.of(node.x, node.dy, node.dx, NULL),
                launch(node, "batch_norm_training_input_gradient").arguments().subList(0, 4));
    }

    @Test
    void frozenAndEvaluationNormalizeWithRunningStatistics() {
        for (RunContext runContext : List.of(RunContext.training(1, 1), RunContext.evaluation())) {
            BatchNorm op = new BatchNorm(1e-3, 0.25, true);
            NodeRun node = run(runContext.training() ? op.freeze() : op, runContext);
            List<Tensor> p = node.params;
            assertEquals(List.of(), node.context.cudnnCalls());

            RecordingCudaContext.Launch forward = launch(node, "batch_norm_inference_forward");
            // (x, y, gamma, beta, runningMean, runningVar, N, C, S, eps), one thread per element.
            assertEquals(List.of(node.x, node.y, p.get(0), p.get(1), p.get(2), p.get(3), 2, 3, 4, 1e-3f),
                    forward.arguments());
            assertEquals(1, forward.blocks(), "24 elements fit one block of 256");
            // (dy, dx, gamma, runningVar, N, C, S, eps, accumulate): constants, not the batch's.
            assertEquals(List.of(node.dy, node.dx, p.get(0), p.get(3), 2, 3, 4, 1e-3f, 1),
                    launch(node, "batch_norm_running_input_gradient").arguments());
            RecordingCudaContext.Launch partials = launch(node, "batch_norm_running_gradient_partials");
            Tensor partialGradients = (Tensor) partials.arguments().get(5);
            // (x, dy, runningMean, runningVar, eps, partials, N, C, S, chunkLength)
            assertEquals(List.of(node.x, node.dy, p.get(2), p.get(3), 1e-3f, partialGradients, 2, 3, 4, 4096),
                    partials.arguments());
            // (partials, dgamma, dbeta, sums, ...): no sums wanted, dx does not need them.
            assertEquals(List.of(partialGradients, node.paramGrads.get(0), node.paramGrads.get(1), NULL, 2, 3, 4,
                    4096), launch(node, "batch_norm_gradient_finalize").arguments());
            assertEquals(4, node.context.launches().size(), "no counter: the running statistics stay");
            assertEquals(4 + 5 + 2, node.context.device().liveCount(), "the partials released");
        }
    }

    /**
     * resnet50's first batch norm at batch 128, x [128, 64, 112, 112]: 1,605,632 values per channel, 392 chunks of
     * 4096, so each two-stage sum has 64·392 = 25,088 blocks (one block per channel, 64, before), and normalize and dx
     * one thread per element, 102,760,448 / 256 = 401,408 blocks.
     */
    @Test
    void resnet50sFirstBatchNormFillsTheGpu() {
        NodeRun node = run(new BatchNorm(1e-5, 0.1, true), Shape.of(128, 64, 112, 112), RunContext.training(1, 1));
        List<String> kernels = node.context.launches().stream().map(RecordingCudaContext.Launch::kernel).toList();
        List<Integer> blocks = node.context.launches().stream().map(RecordingCudaContext.Launch::blocks).toList();
        assertEquals(List.of("batch_norm_statistics_partials", "batch_norm_statistics_finalize",
                "batch_norm_normalize", "increment_i64", "batch_norm_gradient_partials",
                "batch_norm_gradient_finalize", "batch_norm_training_input_gradient"), kernels);
        assertEquals(List.of(25_088, 64, 401_408, 1, 25_088, 64, 401_408), blocks);
        assertEquals(Shape.of(2, 25_088), ((Tensor) launch(node, "batch_norm_statistics_partials").arguments()
                .get(1)).shape());
        assertEquals(4096, launch(node, "batch_norm_gradient_partials").arguments().get(8));
    }

    @Test
    void channelsLastTrainingHasOneBlockPerChunkOfRows() {
        NodeRun node = run(new BatchNorm(1e-3, 0.25, true), Shape.of(2, 3, 2, 2), RunContext.training(1, 1),
                ActivationLayout.NHWC);
        List<Tensor> p = node.params;
        // 8 rows of 3 channels: chunks of ⌈4096 / 3⌉ = 1366 rows, so one chunk and one block for all channels.
        RecordingCudaContext.Launch partials = launch(node, "batch_norm_statistics_partials");
        Tensor statisticsPartials = (Tensor) partials.arguments().get(1);
        assertEquals(List.of(node.x, statisticsPartials, 2, 3, 4, 1366), partials.arguments());
        assertEquals(1, partials.blocks());
        assertEquals(Shape.of(2, 3), statisticsPartials.shape(), "[2, C·K] as in NCHW");
        RecordingCudaContext.Launch finalize = launch(node, "batch_norm_statistics_finalize");
        Tensor savedMean = (Tensor) finalize.arguments().get(3);
        Tensor savedInverseStd = (Tensor) finalize.arguments().get(4);
        assertEquals(List.of(statisticsPartials, p.get(2), p.get(3), savedMean, savedInverseStd, 2, 3, 4, 1366, 0.25f,
                1e-3f), finalize.arguments());
        assertEquals(3, finalize.blocks(), "one block per channel");
        RecordingCudaContext.Launch normalize = launch(node, "batch_norm_normalize");
        assertEquals(List.of(node.x, node.y, p.get(0), p.get(1), savedMean, savedInverseStd, 2, 3, 4),
                normalize.arguments());
        assertEquals(1, normalize.blocks());
        RecordingCudaContext.Launch gradientPartials = launch(node, "batch_norm_gradient_partials");
        Tensor partialGradients = (Tensor) gradientPartials.arguments().get(4);
        assertEquals(List.of(node.x, node.dy, savedMean, savedInverseStd, partialGradients, 2, 3, 4, 1366),
                gradientPartials.arguments());
        assertEquals(1, gradientPartials.blocks());
        Tensor sums = (Tensor) launch(node, "batch_norm_gradient_finalize").arguments().get(3);
        assertEquals(List.of(partialGradients, node.paramGrads.get(0), node.paramGrads.get(1), sums, 2, 3, 4, 1366),
                launch(node, "batch_norm_gradient_finalize").arguments());
        assertEquals(List.of(node.x, node.dy, node.dx, p.get(0), savedMean, savedInverseStd, sums, 2, 3, 4, 1),
                launch(node, "batch_norm_training_input_gradient").arguments());
        assertEquals(7, node.context.launches().size());
        // The kernels given bf16 activations run in the channels-last variant; the float-only ones in the F32 one.
        node.context.launches().forEach(l -> assertEquals(l.storage() == DType.BF16 ? ActivationLayout.NHWC
                : ActivationLayout.NCHW, l.layout(), l.kernel()));
        assertEquals(4 + 5 + 2, node.context.device().liveCount(), "partials, sums and saved statistics released");
    }

    /**
     * 300 channels (more than a block's 256 threads, not a multiple of 32) of 4 · 3 · 5 = 60 rows: chunks of
     * ⌈4096 / 300⌉ = 14 rows, ⌈60 / 14⌉ = 5 of them (the last 4 rows), 5 blocks for the first stage, 300 for the
     * second; partials [2, 300 · 5]. Frozen, so that the running statistics' gradient sums run too.
     */
    @Test
    void channelsLastWideChannelsTakeSeveralChunksOfRows() {
        NodeRun training = run(new BatchNorm(1e-5, 0.1, true), Shape.of(4, 300, 3, 5), RunContext.training(1, 1),
                ActivationLayout.NHWC);
        for (String kernel : List.of("batch_norm_statistics_partials", "batch_norm_gradient_partials")) {
            assertEquals(5, launch(training, kernel).blocks(), kernel);
            assertEquals(14, launch(training, kernel).arguments().getLast(), kernel);
        }
        assertEquals(Shape.of(2, 1500), ((Tensor) launch(training, "batch_norm_statistics_partials").arguments()
                .get(1)).shape());
        assertEquals(300, launch(training, "batch_norm_statistics_finalize").blocks());
        assertEquals(300, launch(training, "batch_norm_gradient_finalize").blocks());
        // 18,000 elements: ⌈18,000 / 256⌉ = 71 blocks of the elementwise passes.
        assertEquals(71, launch(training, "batch_norm_normalize").blocks());

        NodeRun frozen = run(new BatchNorm(1e-3, 0.25, true).freeze(), Shape.of(4, 300, 3, 5),
                RunContext.training(1, 1), ActivationLayout.NHWC);
        RecordingCudaContext.Launch running = launch(frozen, "batch_norm_running_gradient_partials");
        Tensor partials = (Tensor) running.arguments().get(5);
        List<Tensor> p = frozen.params;
        assertEquals(List.of(frozen.x, frozen.dy, p.get(2), p.get(3), 1e-3f, partials, 4, 300, 15, 14),
                running.arguments());
        assertEquals(5, running.blocks());
        assertEquals(Shape.of(2, 1500), partials.shape());
        assertEquals(ActivationLayout.NHWC, running.layout());
    }

    /** A rank-2 batch norm lies the same in both layouts; the channels-last kernels read it with their own grid. */
    @Test
    void channelsLastRankTwoTakesTheChannelsLastGrid() {
        NodeRun node = run(new BatchNorm(1e-5, 0.1, true), Shape.of(6, 5), RunContext.training(1, 1),
                ActivationLayout.NHWC);
        RecordingCudaContext.Launch partials = launch(node, "batch_norm_statistics_partials");
        // 6 rows of 5 channels, S = 1: chunks of ⌈4096 / 5⌉ = 820 rows, one block.
        assertEquals(List.of(node.x, partials.arguments().get(1), 6, 5, 1, 820), partials.arguments());
        assertEquals(1, partials.blocks());
        assertEquals(ActivationLayout.NHWC, partials.layout());
    }

    /**
     * resnet50's first batch norm at batch 128 channels-last: 1,605,632 rows of 64 channels want chunks of 64 rows;
     * capped at 1024 chunks, a chunk is 1568 rows, so each two-stage sum has 1024 blocks of 1568 · 64 = 100,352 values
     * (the partials [2, 64 · 1024]), then 64; the elementwise passes are as in NCHW.
     */
    @Test
    void resnet50sFirstBatchNormChannelsLast() {
        NodeRun node = run(new BatchNorm(1e-5, 0.1, true), Shape.of(128, 64, 112, 112), RunContext.training(1, 1),
                ActivationLayout.NHWC);
        List<Integer> blocks = node.context.launches().stream().map(RecordingCudaContext.Launch::blocks).toList();
        assertEquals(List.of(1024, 64, 401_408, 1, 1024, 64, 401_408), blocks);
        assertEquals(Shape.of(2, 65_536), ((Tensor) launch(node, "batch_norm_statistics_partials").arguments()
                .get(1)).shape());
        assertEquals(1568, launch(node, "batch_norm_gradient_partials").arguments().get(8));
    }

    private static RecordingCudaContext.Launch launch(NodeRun node, String kernel) {
        List<RecordingCudaContext.Launch> found = node.context.launches().stream()
                .filter(l -> l.kernel().equals(kernel)).toList();
        assertEquals(1, found.size(), kernel + " in " + node.context.launches());
        return found.getFirst();
    }
}
