package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.op.BatchNormRelu;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The fused batch norms (BatchNormRelu, BatchNormAddRelu) run on {@code batchnorm.cu} in every precision and layout,
 * never on cuDNN (whose legacy batch norm cannot fuse a ReLU, so not even in fp32): the plain statistics passes, then
 * the {@code _relu} variants of the elementwise and gradient-partials passes, given the residual (null pointer for
 * BatchNormRelu), the fused output y and the ceiling (infinite for ReLU, 6 for ReLU6), and the residual's gradient in
 * the dx pass. Hand-written from x [2, 3, 2, 2] (N 2, C 3, S 4), eps 1e-3, momentum 0.25: one chunk of up to 4096
 * values per channel in NCHW (3 first-stage blocks), ⌈4096 / 3⌉ = 1366 rows channels-last (1 block); the elementwise
 * passes one block of 256 threads for the 24 elements.
 */
class FusedBatchNormLaunchTest {
    private static final Long NULL = 0L;
    private static final float INFINITE = Float.POSITIVE_INFINITY;
    private static final Shape SHAPE = Shape.of(2, 3, 2, 2);
    private static final BatchNorm NORM = new BatchNorm(1e-3, 0.25, true);
    private static final List<Boolean> BOTH = List.of(true, true);
    private static final List<Boolean> NEITHER = List.of(false, false);

    private static NodeRun node(Precision precision, ActivationLayout layout, Op op,
                                Function<RecordingCudaContext, Kernel<?>> kernel) {
        RecordingCudaContext context = new RecordingCudaContext(precision, layout);
        int inputs = op instanceof BatchNormAddRelu ? 2 : 1;
        return new NodeRun(context, kernel.apply(context), op, SHAPE, inputs,
                precision == Precision.BF16 ? DType.BF16 : DType.F32);
    }

    private static NodeRun relu(Precision precision, ActivationLayout layout, BatchNormRelu op) {
        return node(precision, layout, op, BatchNormReluKernel::new);
    }

    private static NodeRun addRelu(Precision precision, ActivationLayout layout, BatchNorm norm) {
        return node(precision, layout, new BatchNormAddRelu(norm), BatchNormAddReluKernel::new);
    }

    @Test
    void batchNormReluTrainsOnTheOwnKernelsInFp32() {
        NodeRun node = relu(Precision.FP32, ActivationLayout.NCHW, BatchNormRelu.relu(NORM));
        node.run(RunContext.training(1, 1), List.of(true), List.of(false), true);
        List<Tensor> p = node.params;
        assertEquals(List.of(), node.context.cudnnCalls(), "no cuDNN batch norm");
        assertEquals(List.of("batch_norm_statistics_partials", "batch_norm_statistics_finalize",
                "batch_norm_normalize_relu", "increment_i64", "batch_norm_gradient_partials_relu",
                "batch_norm_gradient_finalize", "batch_norm_training_input_gradient_relu"), kernels(node));
        RecordingCudaContext.Launch finalize = launch(node, "batch_norm_statistics_finalize");
        Tensor savedMean = (Tensor) finalize.arguments().get(3);
        Tensor savedInverseStd = (Tensor) finalize.arguments().get(4);
        // (x, residual, y, gamma, beta, mean, inverseStd, N, C, S, ceiling): no residual.
        assertEquals(List.of(node.x, NULL, node.y, p.get(0), p.get(1), savedMean, savedInverseStd, 2, 3, 4, INFINITE),
                launch(node, "batch_norm_normalize_relu").arguments());
        RecordingCudaContext.Launch partials = launch(node, "batch_norm_gradient_partials_relu");
        Tensor partialGradients = (Tensor) partials.arguments().get(6);
        // (x, dy, y, ceiling, mean, inverseStd, partials, N, C, S, chunkLength): one block per channel.
        assertEquals(List.of(node.x, node.dy, node.y, INFINITE, savedMean, savedInverseStd, partialGradients, 2, 3, 4,
                4096), partials.arguments());
        assertEquals(3, partials.blocks());
        Tensor sums = (Tensor) launch(node, "batch_norm_gradient_finalize").arguments().get(3);
        assertEquals(List.of(partialGradients, node.paramGrads.get(0), node.paramGrads.get(1), sums, 2, 3, 4, 4096),
                launch(node, "batch_norm_gradient_finalize").arguments());
        // (x, dy, y, ceiling, dx, dresidual, gamma, mean, inverseStd, sums, N, C, S, accumulate, accumulateResidual)
        assertEquals(List.of(node.x, node.dy, node.y, INFINITE, node.dx, NULL, p.get(0), savedMean, savedInverseStd,
                sums, 2, 3, 4, 1, 0), launch(node, "batch_norm_training_input_gradient_relu").arguments());
        node.context.launches().forEach(l -> assertEquals(DType.F32, l.storage(), l.kernel()));
        assertEquals(ownTensors(node), node.context.device().liveCount(),
                "the partials and sums released; the saved statistics when the plan closed");
    }

    @Test
    void relu6PassesItsCeilingToTheBf16Kernels() {
        NodeRun node = relu(Precision.BF16, ActivationLayout.NCHW, BatchNormRelu.relu6(NORM));
        node.run(RunContext.training(1, 1));
        assertEquals(6f, launch(node, "batch_norm_normalize_relu").arguments().get(10));
        assertEquals(6f, launch(node, "batch_norm_gradient_partials_relu").arguments().get(3));
        assertEquals(6f, launch(node, "batch_norm_training_input_gradient_relu").arguments().get(3));
        node.context.launches().forEach(l -> assertEquals(l.kernel().equals("increment_i64")
                || l.kernel().endsWith("_finalize") ? DType.F32 : DType.BF16, l.storage(), l.kernel()));
    }

    /** Channels-last bf16 with x's gradient fresh and the residual's added into. */
    @Test
    void addReluPassesTheResidualAndWritesItsGradientInTheDxPass() {
        NodeRun node = addRelu(Precision.BF16, ActivationLayout.NHWC, NORM);
        node.run(RunContext.training(1, 1), BOTH, List.of(true, false), true);
        Tensor residual = node.inputs.get(1);
        Tensor residualGrad = node.inputGrads.get(1);
        List<Tensor> p = node.params;
        RecordingCudaContext.Launch finalize = launch(node, "batch_norm_statistics_finalize");
        Tensor savedMean = (Tensor) finalize.arguments().get(3);
        Tensor savedInverseStd = (Tensor) finalize.arguments().get(4);
        assertEquals(List.of(node.x, residual, node.y, p.get(0), p.get(1), savedMean, savedInverseStd, 2, 3, 4,
                INFINITE), launch(node, "batch_norm_normalize_relu").arguments());
        RecordingCudaContext.Launch partials = launch(node, "batch_norm_gradient_partials_relu");
        assertEquals(List.of(node.x, node.dy, node.y, INFINITE, savedMean, savedInverseStd,
                partials.arguments().get(6), 2, 3, 4, 1366), partials.arguments());
        assertEquals(1, partials.blocks(), "one block for all channels of the 8 rows");
        Tensor sums = (Tensor) launch(node, "batch_norm_gradient_finalize").arguments().get(3);
        assertEquals(List.of(node.x, node.dy, node.y, INFINITE, node.dx, residualGrad, p.get(0), savedMean,
                savedInverseStd, sums, 2, 3, 4, 0, 1), launch(node, "batch_norm_training_input_gradient_relu")
                .arguments());
        assertEquals(7, node.context.launches().size());
        node.context.launches().forEach(l -> assertEquals(l.storage() == DType.BF16 ? ActivationLayout.NHWC
                : ActivationLayout.NCHW, l.layout(), l.kernel()));
    }

    /** Evaluation, and a frozen batch norm in training, normalize and differentiate with the running statistics. */
    @Test
    void runningStatisticsPathsTakeTheEpilogueToo() {
        for (RunContext run : List.of(RunContext.evaluation(), RunContext.training(1, 1))) {
            NodeRun node = addRelu(Precision.FP32, ActivationLayout.NCHW, run.training() ? NORM.freeze() : NORM);
            node.run(run, BOTH, List.of(false, true), true);
            Tensor residual = node.inputs.get(1);
            Tensor residualGrad = node.inputGrads.get(1);
            List<Tensor> p = node.params;
            assertEquals(List.of(), node.context.cudnnCalls());
            assertEquals(List.of("batch_norm_inference_forward_relu", "batch_norm_running_input_gradient_relu",
                    "batch_norm_running_gradient_partials_relu", "batch_norm_gradient_finalize"), kernels(node),
                    "no counter: the running statistics stay");
            // (x, residual, y, gamma, beta, runningMean, runningVar, N, C, S, eps, ceiling)
            assertEquals(List.of(node.x, residual, node.y, p.get(0), p.get(1), p.get(2), p.get(3), 2, 3, 4, 1e-3f,
                    INFINITE), launch(node, "batch_norm_inference_forward_relu").arguments());
            // (dy, y, ceiling, dx, dresidual, gamma, runningVar, N, C, S, eps, accumulate, accumulateResidual)
            assertEquals(List.of(node.dy, node.y, INFINITE, node.dx, residualGrad, p.get(0), p.get(3), 2, 3, 4, 1e-3f,
                    1, 0), launch(node, "batch_norm_running_input_gradient_relu").arguments());
            RecordingCudaContext.Launch partials = launch(node, "batch_norm_running_gradient_partials_relu");
            Tensor partialGradients = (Tensor) partials.arguments().get(7);
            // (x, dy, y, ceiling, runningMean, runningVar, eps, partials, N, C, S, chunkLength)
            assertEquals(List.of(node.x, node.dy, node.y, INFINITE, p.get(2), p.get(3), 1e-3f, partialGradients, 2, 3,
                    4, 4096), partials.arguments());
            assertEquals(List.of(partialGradients, node.paramGrads.get(0), node.paramGrads.get(1), NULL, 2, 3, 4,
                    4096), launch(node, "batch_norm_gradient_finalize").arguments());
        }
    }

    /**
     * The residual's gradient wanted without x's: the dx pass runs with dx a null pointer (and no sums, which only dx
     * reads); the gradient sums run only for dγ and dβ.
     */
    @Test
    void theResidualsGradientAloneIsStillWritten() {
        NodeRun withParameters = addRelu(Precision.BF16, ActivationLayout.NCHW, NORM);
        withParameters.run(RunContext.training(1, 1), List.of(false, true), List.of(false, true), true);
        assertEquals(List.of(withParameters.x, withParameters.dy, withParameters.y, INFINITE, NULL,
                withParameters.inputGrads.get(1)), launch(withParameters, "batch_norm_training_input_gradient_relu")
                .arguments().subList(0, 6));
        assertEquals(NULL, launch(withParameters, "batch_norm_training_input_gradient_relu").arguments().get(9),
                "no sums");
        assertEquals(NULL, launch(withParameters, "batch_norm_gradient_finalize").arguments().get(3));

        for (RunContext run : List.of(RunContext.training(1, 1), RunContext.evaluation())) {
            NodeRun alone = addRelu(Precision.BF16, ActivationLayout.NCHW, NORM);
            alone.run(run, List.of(false, true), List.of(false, false), false);
            List<String> backward = kernels(alone).subList(run.training() ? 4 : 1, kernels(alone).size());
            String inputGradient = run.training() ? "batch_norm_training_input_gradient_relu"
                    : "batch_norm_running_input_gradient_relu";
            assertEquals(List.of(inputGradient), backward, "no gradient sums without dx, dγ or dβ");
            List<Object> arguments = launch(alone, inputGradient).arguments();
            int dx = run.training() ? 4 : 3;
            assertEquals(List.of(NULL, alone.inputGrads.get(1)), arguments.subList(dx, dx + 2));
            assertEquals(List.of(1, 1), arguments.subList(arguments.size() - 2, arguments.size()));
            assertEquals(ownTensors(alone), alone.context.device().liveCount(), "every temporary released");
        }
    }

    @Test
    void noGradientWantedLaunchesNoBackward() {
        for (RunContext run : List.of(RunContext.training(1, 1), RunContext.evaluation())) {
            NodeRun node = addRelu(Precision.FP32, ActivationLayout.NCHW, NORM);
            node.run(run, NEITHER, NEITHER, false);
            assertEquals(run.training() ? 4 : 1, node.context.launches().size(), "forward only: " + kernels(node));
        }
    }

    /** The node's inputs, output, their gradients, parameters and parameter gradients: no temporary. */
    private static long ownTensors(NodeRun node) {
        return 2L * node.inputs.size() + 2 + node.params.size()
                + node.paramGrads.stream().filter(Objects::nonNull).count();
    }

    private static List<String> kernels(NodeRun node) {
        return node.context.launches().stream().map(RecordingCudaContext.Launch::kernel).toList();
    }

    private static RecordingCudaContext.Launch launch(NodeRun node, String kernel) {
        List<RecordingCudaContext.Launch> found = node.context.launches().stream()
                .filter(l -> l.kernel().equals(kernel)).toList();
        assertEquals(1, found.size(), kernel + " in " + node.context.launches());
        return found.getFirst();
    }
}
