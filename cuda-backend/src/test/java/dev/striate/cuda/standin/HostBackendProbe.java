package dev.striate.cuda.standin;

import dev.striate.core.UserException;
import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.CudaBackendProvider;
import dev.striate.cuda.device.CudaException;
import dev.striate.cuda.device.StreamTimer;
import dev.striate.cuda.memory.DeviceOutOfMemoryException;
import java.util.Arrays;
import java.util.List;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * Run in its own JVM by {@link HostStandInTest}, with a stand-in {@code libcuda.so.1} on {@code LD_LIBRARY_PATH}
 * whose "device memory" is host memory: drives the CUDA backend through JCuda's real driver native and prints what
 * it read back.
 */
public final class HostBackendProbe {
    private HostBackendProbe() {
    }

    public static void main(String[] args) {
        CudaBackend backend = (CudaBackend) new CudaBackendProvider().open(new BackendOptions(Precision.FP32));
        System.out.println(backend.description());
        Tensor floats = backend.allocate(Shape.of(3), DType.F32, TensorRole.ACTIVATION);
        Tensor ints = backend.allocate(Shape.of(2), DType.I32, TensorRole.INPUT);
        Tensor longs = backend.allocate(Shape.of(2), DType.I64, TensorRole.BUFFER);
        System.out.println("zeros " + Arrays.toString(backend.read(floats)));
        backend.write(floats, new float[] {1.5f, -2f, 3.25f});
        System.out.println("f32 " + Arrays.toString(backend.read(floats)));
        backend.write(ints, new int[] {3, -7});
        System.out.println("i32 " + Arrays.toString(backend.read(ints)));
        backend.write(longs, new double[] {1L << 40, -5});
        System.out.println("i64 " + Arrays.toString(backend.read(longs)));
        backend.fill(floats, 2.5);
        backend.fill(ints, 7);
        System.out.println("fill " + Arrays.toString(backend.read(floats)) + " " + Arrays.toString(backend.read(ints)));
        Tensor halves = backend.allocate(Shape.of(3), DType.BF16, TensorRole.ACTIVATION);
        backend.write(halves, new double[] {1 + 0x1p-8, 0.1, -3});
        System.out.println("bf16 " + Arrays.toString(backend.read(halves)));
        backend.fill(halves, 0.1);
        System.out.println("bf16 fill " + backend.read(List.of(halves, floats)).stream().map(Arrays::toString)
                .toList());
        backend.release(halves);
        backend.release(floats);
        backend.release(ints);
        backend.release(longs);
        System.out.println("released " + backend.memory());
        try {
            backend.allocate(Shape.of(32 << 20), DType.F32, TensorRole.ACTIVATION);
        } catch (DeviceOutOfMemoryException e) {
            System.out.println(e.getMessage());
        }
        System.out.println("after " + backend.memory());
        try (StreamTimer timer = backend.timer()) {
            timer.start();
            System.out.println("timer " + timer.stopMilliseconds());
        }
        CUmodule module = new CUmodule();
        CudaException.check(JCudaDriver.cuModuleLoadData(module, new byte[] {1}), "cuModuleLoadData");
        CUfunction record = new CUfunction();
        CudaException.check(JCudaDriver.cuModuleGetFunction(record, module, "record"), "cuModuleGetFunction");
        Tensor recorded = backend.allocate(Shape.of(7), DType.F32, TensorRole.SCRATCH);
        backend.context().launch(record, 3, 128, recorded, 5L, 1.5f, 7, 2.25);
        System.out.println("launch " + Arrays.toString(backend.read(recorded)));
        try {
            backend.context().launch(record, 1, 1, recorded, "five");
        } catch (IllegalArgumentException e) {
            System.out.println(e.getMessage());
        }
        try {
            new CudaBackendProvider().open(new BackendOptions(Precision.FP32, 1));
        } catch (UserException e) {
            System.out.println(e.getMessage());
        }
        backend.close();
        System.out.println("closed");
    }
}
