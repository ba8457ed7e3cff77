package dev.striate.cuda.kernel;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.KernelDirectory;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.op.Op;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import java.util.List;
import java.util.Set;

/**
 * A backend over a {@link RecordingCudaContext}, with the CUDA kernels the real backend finds, so that the core's
 * executor can compile and close a graph without a GPU: tensors are the fake device's, writes are checked and dropped,
 * reads are zeros. What only runs during a step (updates, reductions) is not supported.
 */
final class RecordingBackend implements Backend {
    private final RecordingCudaContext context;
    private final KernelDirectory directory;

    RecordingBackend(RecordingCudaContext context) {
        this.context = context;
        this.directory = new KernelDirectory("cuda", "dev.striate.cuda.kernel", RecordingBackend.class.getClassLoader(),
                CudaContext.class, context);
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
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
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
