package dev.striate.cpu.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.TensorRole;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The poisoning backend keeps allocate's zeros, hands out NaN from allocateUninitialized, and poisons on release. */
class PoisoningCpuBackendTest {
    @Test
    void uninitializedTensorsAreNaNAndZeroFilledOnesAreZero() {
        PoisoningCpuBackend backend = new PoisoningCpuBackend();
        Tensor gradient = backend.allocate(Shape.of(3), DType.F32, TensorRole.ACTIVATION_GRADIENT);
        Tensor activation = backend.allocateUninitialized(Shape.of(3), DType.F32, TensorRole.ACTIVATION);
        assertArrayEquals(new double[3], backend.read(gradient), 0.0);
        assertTrue(Arrays.stream(backend.read(activation)).allMatch(Double::isNaN),
                Arrays.toString(backend.read(activation)));
        assertEquals(1, backend.uninitializedAllocations());
        assertEquals(2, backend.allocations());
        assertEquals(2, backend.liveTensors());
        backend.write(gradient, new double[] {1, 2, 3});
        backend.release(gradient);
        assertTrue(Arrays.stream(backend.read(gradient)).allMatch(Double::isNaN), "released memory reads NaN");
        backend.release(activation);
        assertEquals(0, backend.liveTensors());
    }
}
