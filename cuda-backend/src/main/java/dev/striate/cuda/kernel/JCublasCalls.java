package dev.striate.cuda.kernel;

import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;

/**
 * {@link CublasCalls} through JCublas2 on the backend's cuBLAS handle. GemmEx is JCublas2's
 * {@code cublasGemmEx_new}, which passes its compute type to cuBLAS's {@code cublasGemmEx} as the
 * {@code cublasComputeType_t} it is; JCublas2's {@code cublasGemmEx} takes a {@code cudaDataType_t} compute type
 * instead (CUDA 10's signature) and converts it with {@code cublasMigrateComputeType} first.
 */
final class JCublasCalls implements CublasCalls {
    private final CudaContext context;

    JCublasCalls(CudaContext context) {
        this.context = context;
    }

    @Override
    public int sgemm(int transA, int transB, int m, int n, int k, float alpha, Tensor a, int lda, Tensor b, int ldb,
                     float beta, Tensor c, int ldc) {
        return JCublas2.cublasSgemm(context.cublas(), transA, transB, m, n, k, host(alpha), context.pointer(a), lda,
                context.pointer(b), ldb, host(beta), context.pointer(c), ldc);
    }

    @Override
    public int gemmEx(int transA, int transB, int m, int n, int k, float alpha, Tensor a, int aType, int lda,
                      Tensor b, int bType, int ldb, float beta, Tensor c, int cType, int ldc, int computeType,
                      int algorithm) {
        return JCublas2.cublasGemmEx_new(context.cublas(), transA, transB, m, n, k, host(alpha), context.pointer(a),
                aType, lda, context.pointer(b), bType, ldb, host(beta), context.pointer(c), cType, ldc, computeType,
                algorithm);
    }

    private static Pointer host(float value) {
        return Pointer.to(new float[] {value});
    }
}
