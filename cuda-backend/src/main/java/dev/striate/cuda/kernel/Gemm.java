package dev.striate.cuda.kernel;

/**
 * The arguments of one column-major cuBLAS SGEMM, C = alpha·op(A)·op(B) + beta·C with C m x n and inner size k, for
 * the three products of a fully connected layer on row-major tensors x [N, in], W [out, in], y [N, out].
 *
 * <p>A row-major r x c matrix is, read column-major, its c x r transpose with leading dimension c. So x is the
 * column-major in x N matrix X (ld in), W is in x out (ld in), y is out x N (ld out), and:
 * <ul>
 *   <li>forward y = x·Wᵀ is Y = Wᵀ·X: op(A) = Wᵀ (A = W, transposed, lda in), B = X (ldb in), m = out, n = N,
 *       k = in, ldc = out;</li>
 *   <li>dx = dy·W is dX = W·dY (in x N): A = W (lda in), B = dY (out x N, ldb out), m = in, n = N, k = out,
 *       ldc = in;</li>
 *   <li>dW = dyᵀ·x is, read column-major (in x out), dW = X·dYᵀ: A = X (lda in), op(B) = dYᵀ (B = dY transposed,
 *       ldb out), m = in, n = out, k = N, ldc = in.</li>
 * </ul>
 * Gradients accumulate with beta = 1.
 */
record Gemm(boolean transposeA, boolean transposeB, int m, int n, int k, int lda, int ldb, int ldc) {
    /** y = x·Wᵀ, operands (A, B, C) = (W, x, y). */
    static Gemm forward(int batch, int inFeatures, int outFeatures) {
        return new Gemm(true, false, outFeatures, batch, inFeatures, inFeatures, inFeatures, outFeatures);
    }

    /** dx += dy·W, operands (A, B, C) = (W, dy, dx). */
    static Gemm inputGradient(int batch, int inFeatures, int outFeatures) {
        return new Gemm(false, false, inFeatures, batch, outFeatures, inFeatures, outFeatures, inFeatures);
    }

    /** dW += dyᵀ·x, operands (A, B, C) = (x, dy, dW). */
    static Gemm weightGradient(int batch, int inFeatures, int outFeatures) {
        return new Gemm(false, true, inFeatures, outFeatures, batch, inFeatures, outFeatures, inFeatures);
    }
}
