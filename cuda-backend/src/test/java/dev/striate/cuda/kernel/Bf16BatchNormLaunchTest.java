package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bf16 batch norm runs on {@code batchnorm.cu}, not cuDNN (whose legacy batch norm documents no bf16 configuration):
 * no cuDNN call at all, and each kernel given bf16 x, y, dx, dy beside the float γ, β, statistics and gradients,
 * hand-worked from x [2, 3, 2, 2] (N 2, C 3, S 4), eps 1e-3, momentum 0.25. A null pointer (0) stands for γ and β
 * without affine parameters.
 */
class Bf16BatchNormLaunchTest {
    private static final Long NULL = 0L;

    private static NodeRun run(BatchNorm op, RunContext runContext) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16);
        NodeRun node = new NodeRun(context, new BatchNormKernel(context), op, Shape.of(2, 3, 2, 2), DType.BF16);
        node.run(runContext);
        return node;
    }

    @Test
    void trainingNormalizesWithBatchStatisticsSavedInFloat() {
        NodeRun node = run(new BatchNorm(1e-3, 0.25, true), RunContext.training(1, 1));
        List<Tensor> p = node.params;
        assertEquals(List.of(), node.context.cudnnCalls());

        RecordingCudaContext.Launch forward = launch(node, "batch_norm_training_forward");
        assertEquals(3, forward.blocks(), "one block per channel");
        Tensor savedMean = (Tensor) forward.arguments().get(6);
        Tensor savedInverseStd = (Tensor) forward.arguments().get(7);
        // (x, y, gamma, beta, runningMean, runningVar, savedMean, savedInverseStd, N, C, S, momentum, eps)
        assertEquals(List.of(node.x, node.y, p.get(0), p.get(1), p.get(2), p.get(3), savedMean, savedInverseStd, 2,
                3, 4, 0.25f, 1e-3f), forward.arguments());
        for (Tensor saved : List.of(savedMean, savedInverseStd)) {
            assertEquals(DType.F32, saved.dtype());
            assertEquals(Shape.of(3), saved.shape());
        }
        assertEquals(List.of(p.get(4)), launch(node, "increment_i64").arguments());

        RecordingCudaContext.Launch backward = launch(node, "batch_norm_training_backward");
        assertEquals(3, backward.blocks());
        // (x, dy, dx, gamma, savedMean, savedInverseStd, dgamma, dbeta, N, C, S)
        assertEquals(List.of(node.x, node.dy, node.dx, p.get(0), savedMean, savedInverseStd,
                node.paramGrads.get(0), node.paramGrads.get(1), 2, 3, 4), backward.arguments());
        assertEquals(3, node.context.launches().size(), "forward, counter, backward: nothing else");
        assertEquals(DType.BF16, forward.storage());
        assertEquals(DType.BF16, backward.storage());
        assertEquals(4 + 5 + 2, node.context.device().liveCount(), "the saved statistics released on close");
    }

    @Test
    void withoutAffineGammaAndBetaAreNullPointers() {
        NodeRun node = run(new BatchNorm(1e-5, 0.1, false), RunContext.training(1, 1));
        List<Object> forward = launch(node, "batch_norm_training_forward").arguments();
        assertEquals(List.of(node.x, node.y, NULL, NULL, node.params.get(0), node.params.get(1)),
                forward.subList(0, 6));
        List<Object> backward = launch(node, "batch_norm_training_backward").arguments();
        assertEquals(List.of(node.x, node.dy, node.dx, NULL), backward.subList(0, 4));
        assertEquals(List.of(NULL, NULL), backward.subList(6, 8));
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
            // (x, dy, dx, gamma, runningMean, runningVar, dgamma, dbeta, N, C, S, eps): constants, not the batch's.
            assertEquals(List.of(node.x, node.dy, node.dx, p.get(0), p.get(2), p.get(3), node.paramGrads.get(0),
                    node.paramGrads.get(1), 2, 3, 4, 1e-3f), launch(node, "batch_norm_running_backward").arguments());
            assertEquals(2, node.context.launches().size(), "no counter: the running statistics stay");
        }
    }

    private static RecordingCudaContext.Launch launch(NodeRun node, String kernel) {
        List<RecordingCudaContext.Launch> found = node.context.launches().stream()
                .filter(l -> l.kernel().equals(kernel)).toList();
        assertEquals(1, found.size(), kernel + " in " + node.context.launches());
        return found.getFirst();
    }
}
