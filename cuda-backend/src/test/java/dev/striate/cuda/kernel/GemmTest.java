package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * The cuBLAS arguments of a fully connected layer, checked without a GPU: a plain column-major SGEMM (cuBLAS's
 * definition) run with {@link Gemm}'s arguments on the row-major arrays must give the reference's loops' results.
 */
class GemmTest {
    private static final int BATCH = 3;
    private static final int IN = 4;
    private static final int OUT = 2;
    private final float[] x = values(BATCH * IN, 1);
    private final float[] w = values(OUT * IN, 2);
    private final float[] dy = values(BATCH * OUT, 3);

    @Test
    void forwardIsXTimesWTransposed() {
        float[] y = new float[BATCH * OUT];
        sgemm(Gemm.forward(BATCH, IN, OUT), w, x, y, 0);
        float[] expected = new float[BATCH * OUT];
        for (int n = 0; n < BATCH; n++) {
            for (int o = 0; o < OUT; o++) {
                for (int i = 0; i < IN; i++) {
                    expected[n * OUT + o] += x[n * IN + i] * w[o * IN + i];
                }
            }
        }
        assertArrayEquals(expected, y, 1e-5f);
    }

    @Test
    void inputGradientIsDyTimesWAddedIn() {
        float[] dx = values(BATCH * IN, 4);
        float[] expected = dx.clone();
        sgemm(Gemm.inputGradient(BATCH, IN, OUT), w, dy, dx, 1);
        for (int n = 0; n < BATCH; n++) {
            for (int i = 0; i < IN; i++) {
                for (int o = 0; o < OUT; o++) {
                    expected[n * IN + i] += dy[n * OUT + o] * w[o * IN + i];
                }
            }
        }
        assertArrayEquals(expected, dx, 1e-5f);
    }

    @Test
    void weightGradientIsDyTransposedTimesXAddedIn() {
        float[] dw = values(OUT * IN, 5);
        float[] expected = dw.clone();
        sgemm(Gemm.weightGradient(BATCH, IN, OUT), x, dy, dw, 1);
        for (int o = 0; o < OUT; o++) {
            for (int i = 0; i < IN; i++) {
                for (int n = 0; n < BATCH; n++) {
                    expected[o * IN + i] += dy[n * OUT + o] * x[n * IN + i];
                }
            }
        }
        assertArrayEquals(expected, dw, 1e-5f);
    }

    /** cuBLAS's SGEMM: C = op(A)·op(B) + beta·C, all column-major with the given leading dimensions. */
    private static void sgemm(Gemm g, float[] a, float[] b, float[] c, float beta) {
        for (int col = 0; col < g.n(); col++) {
            for (int row = 0; row < g.m(); row++) {
                float sum = 0;
                for (int p = 0; p < g.k(); p++) {
                    float left = g.transposeA() ? a[row * g.lda() + p] : a[p * g.lda() + row];
                    float right = g.transposeB() ? b[p * g.ldb() + col] : b[col * g.ldb() + p];
                    sum += left * right;
                }
                c[col * g.ldc() + row] = sum + beta * c[col * g.ldc() + row];
            }
        }
    }

    /** Distinct small values, so a transposed or misplaced operand changes the result. */
    private static float[] values(int count, int seed) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = ((i * 7 + seed * 3) % 11 - 5) / 4f;
        }
        return v;
    }
}
