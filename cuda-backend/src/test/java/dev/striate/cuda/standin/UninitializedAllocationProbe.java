package dev.striate.cuda.standin;

import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.CudaBackendProvider;
import java.util.Arrays;

/**
 * Run in its own JVM by {@link UninitializedAllocationStandInTest} against the host stand-in driver, whose memset
 * really writes: one block of the caching allocator is handed out again and again, so what a tensor reads before it
 * is written tells whether a memset was queued for it.
 */
public final class UninitializedAllocationProbe {
    private UninitializedAllocationProbe() {
    }

    public static void main(String[] args) {
        CudaBackend backend = (CudaBackend) new CudaBackendProvider().open(new BackendOptions(Precision.FP32));
        Shape shape = Shape.of(3);
        Tensor gradient = backend.allocate(shape, DType.F32, TensorRole.ACTIVATION_GRADIENT);
        System.out.println("gradient " + Arrays.toString(backend.read(gradient)));
        backend.write(gradient, new float[] {1.5f, -2f, 3.25f});
        backend.release(gradient);
        Tensor activation = backend.allocateUninitialized(shape, DType.F32, TensorRole.ACTIVATION);
        System.out.println("activation " + Arrays.toString(backend.read(activation)));
        backend.write(activation, new float[] {4f, 5f, 6f});
        backend.release(activation);
        Tensor nextGradient = backend.allocate(shape, DType.F32, TensorRole.ACTIVATION_GRADIENT);
        System.out.println("next gradient " + Arrays.toString(backend.read(nextGradient)));
        backend.release(nextGradient);
        System.out.println("blocks from the driver " + backend.memory().driverAllocations());
        backend.close();
    }
}
