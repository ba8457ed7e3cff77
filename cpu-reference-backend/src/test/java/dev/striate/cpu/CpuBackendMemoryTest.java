package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.MemoryUse;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The reference backend counts the bytes of its live tensors (8 per element, float64 whatever the dtype). */
class CpuBackendMemoryTest {
    @Test
    void countsLiveTensorsAndTheirPeakUntilReset() {
        CpuBackend backend = new CpuBackend();
        assertEquals(new MemoryUse(0, 0), backend.memoryUse().orElseThrow());
        Tensor weights = backend.allocate(Shape.of(2, 3), DType.F32, TensorRole.PARAMETER);
        Tensor labels = backend.allocate(Shape.of(4), DType.I32, TensorRole.INPUT);
        // 6 and 4 elements of 8 bytes.
        assertEquals(new MemoryUse(80, 80), backend.memoryUse().orElseThrow());
        backend.release(weights);
        assertEquals(new MemoryUse(32, 80), backend.memoryUse().orElseThrow());
        backend.resetPeakMemory();
        assertEquals(new MemoryUse(32, 32), backend.memoryUse().orElseThrow());
        Tensor activations = backend.allocate(Shape.of(1, 2, 2, 2), DType.F32, TensorRole.ACTIVATION);
        backend.release(activations);
        backend.release(labels);
        assertEquals(new MemoryUse(0, 96), backend.memoryUse().orElseThrow());
    }
}
