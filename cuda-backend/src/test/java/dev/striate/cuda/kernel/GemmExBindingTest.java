package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.cuda.standin.StandIns;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JCublasCalls} through JCuda's real JCublas2 native into a stand-in {@code libcublas.so.13} (gcc-built, its
 * functions under CUDA 13's version name) that prints every argument it receives: GemmEx must reach cuBLAS's
 * {@code cublasGemmEx} with CUBLAS_COMPUTE_32F (68) as given, the data types and leading dimensions in place and the
 * host alpha and beta readable as floats. JCublas2's own {@code cublasGemmEx} (CUDA 10's signature, a
 * {@code cudaDataType_t} compute type) first runs {@code cublasMigrateComputeType}, which asks the handle's math mode
 * ({@code cublasGetMathMode}, not in the stand-in), so a switch to it fails here too.
 */
class GemmExBindingTest {
    private static final String STAND_IN = """
            #include <stdio.h>
            int cublasGemmEx(void *handle, int transa, int transb, int m, int n, int k, const float *alpha,
                             const void *a, int aType, int lda, const void *b, int bType, int ldb, const float *beta,
                             void *c, int cType, int ldc, int computeType, int algo) {
                printf("cublasGemmEx %d %d %d %d %d %g %d %d %d %d %g %d %d %d %d\\n", transa, transb, m, n, k,
                       *alpha, aType, lda, bType, ldb, *beta, cType, ldc, computeType, algo);
                fflush(stdout);
                return 0;
            }
            int cublasSgemm_v2(void *handle, int transa, int transb, int m, int n, int k, const float *alpha,
                               const float *a, int lda, const float *b, int ldb, const float *beta, float *c,
                               int ldc) {
                printf("cublasSgemm %d %d %d %d %d %g %d %d %g %d\\n", transa, transb, m, n, k, *alpha, lda, ldb,
                       *beta, ldc);
                fflush(stdout);
                return 0;
            }
            """;

    @TempDir
    Path folder;

    @Test
    void gemmExReachesCublasWithItsComputeTypeAsGiven() throws Exception {
        assumeTrue(StandIns.gccPresent(), "gcc is not on PATH: the stand-in libcublas.so.13 cannot be built");
        Path library = StandIns.build(folder.resolve("lib"), "libcublas.so.13", STAND_IN, "libcublas.so.13");
        String output = StandIns.java(Map.of(), List.of("-Djava.io.tmpdir=" + folder), GemmExProbe.class,
                library.toString(), folder.resolve("cache").toString());

        // (transa, transb, m, n, k, alpha, Atype, lda, Btype, ldb, beta, Ctype, ldc, computeType, algo)
        assertTrue(output.contains("cublasGemmEx 1 0 2 3 4 1.5 14 5 14 6 0.25 0 7 68 -1"), output);
        assertTrue(output.contains("gemmEx status 0"), output);
        assertTrue(output.contains("cublasSgemm 0 1 8 9 10 2.5 11 12 0.75 13"), output);
        assertTrue(output.contains("sgemm status 0"), output);
    }
}
