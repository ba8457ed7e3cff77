package dev.striate.cuda.kernel;

import dev.striate.core.tensor.Tensor;

/**
 * The two cuBLAS GEMMs the fully connected layer calls, argument for argument as cuBLAS takes them (column-major
 * C = alpha·op(A)·op(B) + beta·C; alpha and beta host floats), each returning its {@code cublasStatus_t}. An
 * interface so that the exact arguments can be recorded without a GPU; {@link JCublasCalls} makes the calls.
 */
interface CublasCalls {
    /** {@code cublasSgemm}: float A, B and C, math as the handle's mode (true fp32, or TF32 tensor cores). */
    int sgemm(int transA, int transB, int m, int n, int k, float alpha, Tensor a, int lda, Tensor b, int ldb,
              float beta, Tensor c, int ldc);

    /**
     * {@code cublasGemmEx}: A, B and C each of its {@code cudaDataType_t}, computed in {@code computeType} (a
     * {@code cublasComputeType_t}) with the algorithm {@code algorithm} ({@code cublasGemmAlgo_t}).
     */
    int gemmEx(int transA, int transB, int m, int n, int k, float alpha, Tensor a, int aType, int lda, Tensor b,
               int bType, int ldb, float beta, Tensor c, int cType, int ldc, int computeType, int algorithm);
}
