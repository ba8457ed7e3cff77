package dev.striate.cuda.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.CudaBackendProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Top-k of BF16 scores (the logits in bf16 work) on a real GPU, read at once and queued: the bf16 variant of
 * {@code topk.cu}, chosen from the scores' type. The scores differ as doubles but tie once written as bf16, so the
 * float variant reading these bytes, or scores compared before rounding, give other indices.
 */
@GpuTest
class Bf16TopKGpuTest {
    @Test
    void bf16ScoresTieAsStoredAndTiesGoInIndexOrder() {
        try (CudaBackend backend = (CudaBackend) new CudaBackendProvider().open(new BackendOptions(Precision.FP32))) {
            Tensor scores = backend.allocate(Shape.of(2, 6), DType.BF16, TensorRole.ACTIVATION);
            // As bf16 (8 significant bits): row 0 is 1, 1, 1, 2, 2, -1 and row 1 is -3, 7, 7, 0, 0, 5.
            backend.write(scores, new double[] {1, 1.001, 0.999, 2, 2.004, -1, -3, 7, 7.01, 0, 0, 5});
            int[] expected = {3, 4, 0, 1, 2, 5};
            assertArrayEquals(expected, backend.topK(scores, 3));

            Tensor indices = backend.allocate(Shape.of(6), DType.I32, TensorRole.SCRATCH);
            backend.topK(scores, 3, indices);
            assertArrayEquals(new double[] {3, 4, 0, 1, 2, 5}, backend.read(List.of(indices)).getFirst());
        }
    }
}
