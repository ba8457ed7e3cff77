package dev.striate.cuda;

import static dev.striate.cuda.device.CudaException.check;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.KernelDirectory;
import dev.striate.core.backend.MemoryUse;
import dev.striate.core.backend.ParameterUpdate;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.op.Op;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.device.CudaDevice;
import dev.striate.cuda.device.DevicePointer;
import dev.striate.cuda.device.StreamTimer;
import dev.striate.cuda.doctor.CudaDiagnosis;
import dev.striate.cuda.memory.MemoryStatistics;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * Tensors in GPU memory, ops through cuDNN, cuBLAS and NVRTC kernels ({@code dev.striate.cuda.kernel}), all queued on
 * one stream. Tensors keep their element type on the device (F32 for fp32 and tf32 work, I32 labels); reads and writes
 * convert from and to the host's arrays and wait for the stream.
 */
public final class CudaBackend implements Backend {
    public static final String NAME = "cuda";

    private final DeviceContext context;
    private final BackendKernels kernels;
    private final KernelDirectory directory;

    CudaBackend(Precision precision, CudaDevice device, CudaDiagnosis libraries, Path cacheFolder) {
        this.context = new DeviceContext(precision, device, libraries, cacheFolder);
        this.kernels = new BackendKernels(context);
        this.directory = new KernelDirectory(NAME, "dev.striate.cuda.kernel", CudaBackend.class.getClassLoader(),
                CudaContext.class, context);
    }

    /** The context every kernel of this backend was made with. */
    public CudaContext context() {
        return context;
    }

    /** The caching allocator's counters (the memory check reads them every step). */
    public MemoryStatistics memory() {
        return context.allocator().statistics();
    }

    /** Blocks handed out by the caching allocator (whole size classes), as PyTorch's max_memory_allocated counts. */
    @Override
    public Optional<MemoryUse> memoryUse() {
        MemoryStatistics statistics = memory();
        return Optional.of(new MemoryUse(statistics.bytesInUse(), statistics.peakBytesInUse()));
    }

    @Override
    public void resetPeakMemory() {
        context.allocator().resetPeak();
    }

    /** A timer of work on this backend's stream (CUDA events); close it when done. */
    public StreamTimer timer() {
        context.device().makeCurrent();
        return new StreamTimer(context.device());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        CudaDevice device = context.device();
        return String.format(Locale.ROOT, "cuda:%d %s (sm_%d%d, %.1f GiB), %s", device.index(), device.name(),
                device.computeMajor(), device.computeMinor(), device.totalMemory() / (double) (1L << 30),
                context.precision().flagValue());
    }

    /** The device's whole memory: a model that needs more is refused before anything is allocated. */
    @Override
    public long memoryCapacity() {
        return context.device().totalMemory();
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype, TensorRole role) {
        return context.allocate(shape, dtype);
    }

    /** No memset: with planning every activation of every step comes from here. */
    @Override
    public Tensor allocateUninitialized(Shape shape, DType dtype, TensorRole role) {
        return context.allocateUninitialized(shape, dtype);
    }

    @Override
    public void release(Tensor tensor) {
        context.release(tensor);
    }

    @Override
    public void write(Tensor destination, double[] values) {
        requireLength(destination, values.length);
        switch (DeviceContext.buffer(destination).dtype()) {
            case F32 -> {
                float[] floats = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    floats[i] = (float) values[i];
                }
                upload(destination, Pointer.to(floats));
            }
            case F64 -> upload(destination, Pointer.to(values));
            case I32 -> {
                int[] ints = new int[values.length];
                for (int i = 0; i < values.length; i++) {
                    ints[i] = (int) Math.rint(values[i]);
                }
                upload(destination, Pointer.to(ints));
            }
            case I64 -> {
                long[] longs = new long[values.length];
                for (int i = 0; i < values.length; i++) {
                    longs[i] = Math.round(values[i]);
                }
                upload(destination, Pointer.to(longs));
            }
            default -> throw unsupported(destination, "write");
        }
    }

    @Override
    public void write(Tensor destination, float[] values) {
        requireLength(destination, values.length);
        if (DeviceContext.buffer(destination).dtype() == DType.F32) {
            upload(destination, Pointer.to(values));
        } else {
            double[] wide = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                wide[i] = values[i];
            }
            write(destination, wide);
        }
    }

    @Override
    public void write(Tensor destination, int[] values) {
        requireLength(destination, values.length);
        if (DeviceContext.buffer(destination).dtype() == DType.I32) {
            upload(destination, Pointer.to(values));
        } else {
            double[] wide = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                wide[i] = values[i];
            }
            write(destination, wide);
        }
    }

    private void upload(Tensor destination, Pointer host) {
        context.device().makeCurrent();
        CudaBuffer buffer = DeviceContext.buffer(destination);
        // From pageable host memory the copy is staged before the call returns, so the array may change afterwards.
        check(JCudaDriver.cuMemcpyHtoDAsync(DevicePointer.at(buffer.address()), host,
                destination.size() * buffer.dtype().bytes(), context.stream()), "cuMemcpyHtoDAsync");
    }

    @Override
    public double[] read(Tensor source) {
        context.device().makeCurrent();
        CudaBuffer buffer = DeviceContext.buffer(source);
        int n = Math.toIntExact(source.size());
        double[] result = new double[n];
        switch (buffer.dtype()) {
            case F32 -> {
                float[] floats = new float[n];
                download(buffer, Pointer.to(floats), (long) n * Float.BYTES);
                for (int i = 0; i < n; i++) {
                    result[i] = floats[i];
                }
            }
            case F64 -> download(buffer, Pointer.to(result), (long) n * Double.BYTES);
            case I32 -> {
                int[] ints = new int[n];
                download(buffer, Pointer.to(ints), (long) n * Integer.BYTES);
                for (int i = 0; i < n; i++) {
                    result[i] = ints[i];
                }
            }
            case I64 -> {
                long[] longs = new long[n];
                download(buffer, Pointer.to(longs), (long) n * Long.BYTES);
                for (int i = 0; i < n; i++) {
                    result[i] = longs[i];
                }
            }
            default -> throw unsupported(source, "read");
        }
        return result;
    }

    private void download(CudaBuffer buffer, Pointer host, long bytes) {
        check(JCudaDriver.cuMemcpyDtoHAsync(host, DevicePointer.at(buffer.address()), bytes, context.stream()),
                "cuMemcpyDtoHAsync");
        context.device().synchronize();
    }

    @Override
    public void fill(Tensor tensor, double value) {
        context.device().makeCurrent();
        CudaBuffer buffer = DeviceContext.buffer(tensor);
        DevicePointer pointer = DevicePointer.at(buffer.address());
        switch (buffer.dtype()) {
            case F32 -> check(JCudaDriver.cuMemsetD32Async(pointer, Float.floatToRawIntBits((float) value),
                    tensor.size(), context.stream()), "cuMemsetD32Async");
            case I32 -> check(JCudaDriver.cuMemsetD32Async(pointer, (int) Math.rint(value), tensor.size(),
                    context.stream()), "cuMemsetD32Async");
            case I64 -> context.launch(context.function("elementwise", "fill_i64"), fillBlocks(tensor), 256, tensor,
                    tensor.size(), Math.round(value));
            case F64 -> context.launch(context.function("elementwise", "fill_i64"), fillBlocks(tensor), 256, tensor,
                    tensor.size(), Double.doubleToRawLongBits(value));
            default -> throw unsupported(tensor, "fill");
        }
    }

    private static int fillBlocks(Tensor tensor) {
        return (int) Math.max(1, Math.min(4096, (tensor.size() + 255) / 256));
    }

    @Override
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        return directory.kernel(opClass);
    }

    @Override
    public Set<Class<? extends Op>> kernelOps() {
        return directory.ops();
    }

    @Override
    public double sumOfSquares(Tensor tensor) {
        return sumOfSquares(List.of(tensor));
    }

    @Override
    public double sumOfSquares(List<Tensor> tensors) {
        context.device().makeCurrent();
        return kernels.sumOfSquares(tensors);
    }

    @Override
    public void scale(Tensor tensor, double factor) {
        context.device().makeCurrent();
        kernels.scale(tensor, factor);
    }

    @Override
    public void applyUpdate(UpdateRule rule, double learningRate, long step, Tensor param, Tensor grad,
                            List<Tensor> state) {
        applyUpdates(learningRate, step, List.of(new ParameterUpdate(rule, param, grad, state)));
    }

    @Override
    public void applyUpdates(double learningRate, long step, List<ParameterUpdate> updates) {
        context.device().makeCurrent();
        kernels.applyUpdates(learningRate, step, updates);
    }

    @Override
    public int[] topK(Tensor scores, int k) {
        context.device().makeCurrent();
        return kernels.topK(scores, k);
    }

    @Override
    public void synchronize() {
        context.device().makeCurrent();
        context.device().synchronize();
    }

    @Override
    public void close() {
        kernels.close();
        context.close();
        context.device().close();
    }

    private static void requireLength(Tensor tensor, int length) {
        if (tensor.size() != length) {
            throw new IllegalArgumentException("tensor " + tensor.shape() + " has " + tensor.size() + " elements, got "
                    + length);
        }
    }

    private static IllegalArgumentException unsupported(Tensor tensor, String what) {
        return new IllegalArgumentException(what + " of a " + tensor.dtype() + " tensor is not supported on CUDA");
    }
}
