package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import java.util.function.LongPredicate;
import jcuda.cudaDataType;
import jcuda.jcublas.cublasComputeType;

/**
 * {@link CublasCalls} that check each GEMM as it is made, then record it on a {@link RecordingCublas}: A, B and C are
 * live tensors of m·k, k·n and m·n elements, alpha is 1, C is added into (beta 1) when it is a gradient; in fp32 work
 * only SGEMM on float tensors, in bf16 work only GemmEx with bf16 A and B, float compute, and C bf16 (an activation or
 * its gradient) or float (a parameter's gradient), each matrix's data type its tensor's.
 */
final class CheckedCublas implements CublasCalls {
    private final RecordingCublas recording = new RecordingCublas();
    private final FakeDevice device;
    private final DType activations;
    private LongPredicate isGradient = address -> false;

    CheckedCublas(FakeDevice device, DType activations) {
        this.device = device;
        this.activations = activations;
    }

    /** Tells a gradient's address, for the beta check (set once the run whose gradients they are exists). */
    void gradients(LongPredicate gradient) {
        this.isGradient = gradient;
    }

    RecordingCublas recording() {
        return recording;
    }

    @Override
    public int sgemm(int transA, int transB, int m, int n, int k, float alpha, Tensor a, int lda, Tensor b, int ldb,
                     float beta, Tensor c, int ldc) {
        assertEquals(DType.F32, activations, "SGEMM in bf16 work");
        checkMatrices(m, n, k, alpha, a, b, beta, c);
        for (Tensor t : new Tensor[] {a, b, c}) {
            assertEquals(DType.F32, t.dtype(), "SGEMM's matrices are float");
        }
        return recording.sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    @Override
    public int gemmEx(int transA, int transB, int m, int n, int k, float alpha, Tensor a, int aType, int lda,
                      Tensor b, int bType, int ldb, float beta, Tensor c, int cType, int ldc, int computeType,
                      int algorithm) {
        assertEquals(DType.BF16, activations, "GemmEx in fp32 work");
        checkMatrices(m, n, k, alpha, a, b, beta, c);
        assertEquals(DType.BF16, a.dtype(), "GemmEx's A is bf16");
        assertEquals(DType.BF16, b.dtype(), "GemmEx's B is bf16");
        assertEquals(cudaDataType.CUDA_R_16BF, aType, "A's data type");
        assertEquals(cudaDataType.CUDA_R_16BF, bType, "B's data type");
        assertEquals(c.dtype() == DType.F32 ? cudaDataType.CUDA_R_32F : cudaDataType.CUDA_R_16BF, cType,
                "C's data type is its " + c.dtype() + " tensor's");
        assertTrue(c.dtype() == DType.BF16 || isGradient.test(device.address(c)),
                "a float C in bf16 work is a parameter's gradient");
        assertEquals(cublasComputeType.CUBLAS_COMPUTE_32F, computeType, "float accumulation");
        return recording.gemmEx(transA, transB, m, n, k, alpha, a, aType, lda, b, bType, ldb, beta, c, cType, ldc,
                computeType, algorithm);
    }

    private void checkMatrices(int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
        for (Tensor t : new Tensor[] {a, b, c}) {
            assertTrue(device.isLive(t), "a GEMM was given a released tensor " + t.shape());
        }
        assertEquals((long) m * k, a.size(), "A is m x k");
        assertEquals((long) k * n, b.size(), "B is k x n");
        assertEquals((long) m * n, c.size(), "C is m x n");
        assertEquals(1f, alpha, "alpha");
        if (isGradient.test(device.address(c))) {
            assertEquals(1f, beta, "a GEMM must add into the gradient");
        }
    }
}
