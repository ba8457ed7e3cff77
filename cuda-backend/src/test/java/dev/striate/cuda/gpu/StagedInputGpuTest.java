package dev.striate.cuda.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.StagedInput;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Staged inputs on a real GPU: the copy stream, the events between it and the compute stream, and page-locked loader
 * memory, checked by values that would come out wrong if any of them were out of order.
 */
@GpuTest
class StagedInputGpuTest {
    private static final int N = 1 << 20;
    @RegisterExtension
    static final SharedGpuBackend GPU = new SharedGpuBackend();

    private static MemorySegment filled(Arena arena, float value) {
        MemorySegment segment = arena.allocate((long) N * Float.BYTES, 4096);
        segment.fill((byte) 0);
        for (int i = 0; i < N; i++) {
            segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, value);
        }
        return segment;
    }

    @Test
    void aStepReadsItsOwnBatchWhileTheNextIsCopiedAndTheSourceMayBeRefilledAfterTheWait() {
        try (Arena loader = Arena.ofShared();
             StagedInput images = GPU.backend().stagedInput(Shape.of(N), DType.F32)) {
            MemorySegment first = filled(loader, 1);
            MemorySegment second = filled(loader, 2);
            Tensor busy = GPU.backend().allocate(Shape.of(64 * N), DType.F32, TensorRole.SCRATCH);
            Tensor firstSum = GPU.backend().allocate(Shape.of(1), DType.F64, TensorRole.SCRATCH);
            Tensor secondSum = GPU.backend().allocate(Shape.of(1), DType.F64, TensorRole.SCRATCH);
            GPU.backend().fill(busy, 1);

            images.stage(first);
            images.advance();
            // Step 1 reads the first batch behind a long queue of work, while the second batch is copied.
            GPU.backend().sumOfSquares(Arrays.asList(busy, busy, busy, busy, images.current()), firstSum);
            images.stage(second);
            images.awaitSourcesRead();
            // The loader refills both buffers as soon as the copies have read them.
            second.fill((byte) 0);
            first.fill((byte) 0);
            images.advance();
            GPU.backend().sumOfSquares(List.of(images.current()), secondSum);
            List<double[]> sums = GPU.backend().read(List.of(firstSum, secondSum));
            // 4·64·N ones plus N ones; then N twos squared.
            assertEquals(4.0 * 64 * N + N, sums.get(0)[0], 0.5);
            assertEquals(4.0 * N, sums.get(1)[0], 0.5);

            int[] labels = {3, 1, 4};
            try (StagedInput labelInput = GPU.backend().stagedInput(Shape.of(3), DType.I32)) {
                labelInput.stage(labels);
                labels[0] = 9;
                labelInput.advance();
                assertArrayEquals(new double[] {3, 1, 4}, GPU.backend().read(labelInput.current()));
            }
            GPU.backend().release(busy);
            GPU.backend().release(firstSum);
            GPU.backend().release(secondSum);
        }
    }
}
