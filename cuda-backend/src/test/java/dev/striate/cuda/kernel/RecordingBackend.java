package dev.striate.cuda.kernel;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.KernelDirectory;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Op;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.StoredTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A backend over a {@link RecordingCudaContext}, with the CUDA kernels the real backend finds, so that the core's
 * executor can compile and close a graph without a GPU: tensors are the fake device's, writes are checked and dropped,
 * reads are zeros. Values are kept in the type the CUDA backend keeps them in for the context's precision
 * ({@link StoredTypes}), and graph inputs converted into it are recorded. What only runs during a step (updates,
 * reductions) is not supported.
 */
final class RecordingBackend implements Backend {
    /** One {@link #convert}: a graph input's fed tensor into the copy nodes read. */
    record Conversion(Tensor source, Tensor destination) {
    }

    private final RecordingCudaContext context;
    private final KernelDirectory directory;
    private final Kernel<Linear> linear;
    private final List<Conversion> conversions = new ArrayList<>();

    /** Linear nodes cannot run (cuBLAS needs its native library). */
    RecordingBackend(RecordingCudaContext context) {
        this(context, null);
    }

    /** Linear nodes' GEMMs made on {@code cublas} (null: Linear nodes cannot run). */
    RecordingBackend(RecordingCudaContext context, CublasCalls cublas) {
        this.context = context;
        this.directory = new KernelDirectory("cuda", "dev.striate.cuda.kernel", RecordingBackend.class.getClassLoader(),
                CudaContext.class, context);
        this.linear = cublas == null ? null : new LinearKernel(context, cublas);
    }

    /** Every conversion so far, in order. */
    List<Conversion> conversions() {
        return conversions;
    }

    @Override
    public DType storedType(DType declared, Op producer) {
        return StoredTypes.of(context.precision(), declared, producer);
    }

    @Override
    public void convert(Tensor source, Tensor destination) {
        requireLive(source);
        requireLive(destination);
        conversions.add(new Conversion(source, destination));
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String description() {
        return "cuda without a GPU (recording)";
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype, TensorRole role) {
        return context.device().allocate(shape, dtype);
    }

    @Override
    public void release(Tensor tensor) {
        context.device().release(tensor);
    }

    @Override
    public void write(Tensor destination, double[] values) {
        requireLive(destination);
    }

    @Override
    public void write(Tensor destination, float[] values) {
        requireLive(destination);
    }

    @Override
    public void write(Tensor destination, int[] values) {
        requireLive(destination);
    }

    @Override
    public double[] read(Tensor source) {
        requireLive(source);
        return new double[Math.toIntExact(source.size())];
    }

    @Override
    public void fill(Tensor tensor, double value) {
        requireLive(tensor);
    }

    private void requireLive(Tensor tensor) {
        if (!context.device().isLive(tensor)) {
            throw new AssertionError("a tensor that is not live: " + tensor.shape());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        if (opClass == Linear.class && linear != null) {
            return (Kernel<O>) linear;
        }
        return directory.kernel(opClass);
    }

    @Override
    public Set<Class<? extends Op>> kernelOps() {
        return directory.ops();
    }

    @Override
    public double sumOfSquares(Tensor tensor) {
        throw new UnsupportedOperationException("not without a GPU");
    }

    @Override
    public void scale(Tensor tensor, double factor) {
        throw new UnsupportedOperationException("not without a GPU");
    }

    @Override
    public void applyUpdate(UpdateRule rule, double learningRate, long step, Tensor param, Tensor grad,
                            List<Tensor> state) {
        throw new UnsupportedOperationException("not without a GPU");
    }

    @Override
    public int[] topK(Tensor scores, int k) {
        throw new UnsupportedOperationException("not without a GPU");
    }
}
