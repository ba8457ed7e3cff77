package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Initializer;
import dev.striate.core.op.Linear;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cuBLAS calls of a fully connected layer, argument by argument, recorded without a GPU: bf16 activations go
 * through GemmEx with bf16 operands (the weight the node's bf16 copy, cast once per step by forward and read again by
 * backward), float compute and float alpha and beta,
 * the weight gradient straight into the float master gradient; float activations keep SGEMM exactly as before. The
 * numbers are cuBLAS's (library_types.h, cublas_api.h): CUDA_R_32F 0, CUDA_R_16BF 14, CUBLAS_COMPUTE_32F 68,
 * CUBLAS_GEMM_DEFAULT -1, CUBLAS_OP_N 0, CUBLAS_OP_T 1. x [3, 4], W [2, 4], y [3, 2].
 */
class Bf16LinearCublasTest {
    private static final int R_32F = 0;
    private static final int R_16BF = 14;
    private static final int COMPUTE_32F = 68;
    private static final int GEMM_DEFAULT = -1;
    private static final int N = 0;
    private static final int T = 1;

    private record Ran(NodeRun node, RecordingCublas cublas) {
    }

    private static Ran run(Precision precision, DType activations, boolean bias) {
        RecordingCudaContext context = new RecordingCudaContext(precision);
        RecordingCublas cublas = new RecordingCublas();
        Linear op = new Linear(2, bias, Initializer.KaimingUniform.PYTORCH_DEFAULT, null);
        NodeRun node = new NodeRun(context, new LinearKernel(context, cublas), op, Shape.of(3, 4), activations);
        node.run(RunContext.training(1, 1));
        return new Ran(node, cublas);
    }

    @Test
    void bf16GemmsTakeBf16OperandsComputeInFloatAndAddTheWeightGradientIntoTheFloatMaster() {
        Ran ran = run(Precision.BF16, DType.BF16, true);
        NodeRun node = ran.node();
        Tensor weight = node.params.get(0);
        List<RecordingCublas.Call> calls = ran.cublas().calls();
        assertEquals(3, calls.size(), calls.toString());
        calls.forEach(call -> assertEquals("cublasGemmEx", call.function()));

        // One cast of W, in forward, into the node's bf16 [2, 4] copy; the input gradient's GEMM reads that copy.
        List<RecordingCudaContext.Launch> casts = launches(node, "cast_f32_to_storage");
        assertEquals(1, casts.size(), "backward reads the copy forward cast");
        Tensor copy = (Tensor) casts.getFirst().arguments().get(1);
        assertEquals(List.of(weight, copy, 8L, 1, 1), casts.getFirst().arguments(), "rank 2: read flat");
        assertEquals(DType.BF16, copy.dtype());
        assertEquals(weight.shape(), copy.shape());

        // y = x·Wᵀ onto the broadcast bias: Wᵀ·X column-major, m = out, n = N, k = in, beta 1.
        assertEquals(List.of(T, N, 2, 3, 4, 1f, copy, R_16BF, 4, node.x, R_16BF, 4, 1f, node.y, R_16BF, 2,
                COMPUTE_32F, GEMM_DEFAULT), calls.get(0).arguments());
        // dx += dy·W: W·dY column-major, m = in, n = N, k = out, beta 1 (dx accumulates), bf16 dx.
        assertEquals(List.of(N, N, 4, 3, 2, 1f, copy, R_16BF, 4, node.dy, R_16BF, 2, 1f, node.dx, R_16BF, 4,
                COMPUTE_32F, GEMM_DEFAULT), calls.get(1).arguments());
        // dW += dyᵀ·x from bf16 x and dy into the float master gradient: C is CUDA_R_32F, beta 1.
        assertEquals(List.of(N, T, 4, 2, 3, 1f, node.x, R_16BF, 4, node.dy, R_16BF, 2, 1f, node.paramGrads.get(0),
                R_32F, 4, COMPUTE_32F, GEMM_DEFAULT), calls.get(2).arguments());

        // Bias: broadcast before the forward GEMM, its gradient a column sum, both on the float bias.
        assertEquals(List.of(node.params.get(1), node.y, 3, 2),
                launches(node, "broadcast_rows").getFirst().arguments());
        assertEquals(List.of(node.dy, node.paramGrads.get(1), 3, 2),
                launches(node, "sum_rows_into").getFirst().arguments());
        node.context.launches().forEach(l -> assertEquals(DType.BF16, l.storage(), l.kernel() + "'s variant"));
        assertEquals(8, node.context.device().liveCount(),
                "x, y, dx, dy, W, b and their gradients stay; the copy is released with the plan");
    }

    @Test
    void bf16WithoutBiasOverwritesY() {
        Ran ran = run(Precision.BF16, DType.BF16, false);
        assertEquals(0f, ran.cublas().calls().getFirst().arguments().get(12), "beta 0: y is not pre-filled");
        assertEquals(List.of(), launches(ran.node(), "broadcast_rows"));
        assertEquals(List.of(), launches(ran.node(), "sum_rows_into"));
    }

    @Test
    void floatActivationsKeepSgemmWithTheMasterWeightInFp32AndTf32() {
        for (Precision precision : List.of(Precision.FP32, Precision.TF32)) {
            Ran ran = run(precision, DType.F32, true);
            NodeRun node = ran.node();
            Tensor weight = node.params.get(0);
            List<List<Object>> expected = List.of(
                    List.of(T, N, 2, 3, 4, 1f, weight, 4, node.x, 4, 1f, node.y, 2),
                    List.of(N, N, 4, 3, 2, 1f, weight, 4, node.dy, 2, 1f, node.dx, 4),
                    List.of(N, T, 4, 2, 3, 1f, node.x, 4, node.dy, 2, 1f, node.paramGrads.get(0), 4));
            assertEquals(expected, ran.cublas().calls().stream().map(RecordingCublas.Call::arguments).toList());
            ran.cublas().calls().forEach(call -> assertEquals("cublasSgemm", call.function()));
            assertEquals(List.of(), launches(node, "cast_f32_to_storage"), precision.toString());
        }
    }

    private static List<RecordingCudaContext.Launch> launches(NodeRun node, String kernel) {
        return node.context.launches().stream().filter(l -> l.kernel().equals(kernel)).toList();
    }
}
