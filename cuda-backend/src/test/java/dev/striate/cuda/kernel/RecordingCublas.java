package dev.striate.cuda.kernel;

import dev.striate.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** {@link CublasCalls} that records every call's arguments, in cuBLAS's order, and succeeds. */
final class RecordingCublas implements CublasCalls {
    record Call(String function, List<Object> arguments) {
    }

    private final List<Call> calls = new ArrayList<>();

    List<Call> calls() {
        return calls;
    }

    @Override
    public int sgemm(int transA, int transB, int m, int n, int k, float alpha, Tensor a, int lda, Tensor b, int ldb,
                     float beta, Tensor c, int ldc) {
        calls.add(new Call("cublasSgemm", List.of(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)));
        return 0;
    }

    @Override
    public int gemmEx(int transA, int transB, int m, int n, int k, float alpha, Tensor a, int aType, int lda,
                      Tensor b, int bType, int ldb, float beta, Tensor c, int cType, int ldc, int computeType,
                      int algorithm) {
        calls.add(new Call("cublasGemmEx", List.of(transA, transB, m, n, k, alpha, a, aType, lda, b, bType, ldb,
                beta, c, cType, ldc, computeType, algorithm)));
        return 0;
    }
}
