package dev.striate.cpu.check;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.op.Op;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.util.List;
import java.util.Set;

/** The reference backend behind a wrapper whose subclasses replace some kernels, to test what runs kernels. */
public abstract class WrappedCpuBackend implements Backend {
    protected final CpuBackend delegate = new CpuBackend();

    @Override
    public String name() {
        return "wrapped";
    }

    @Override
    public String description() {
        return getClass().getSimpleName();
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype, TensorRole role) {
        return delegate.allocate(shape, dtype, role);
    }

    @Override
    public void release(Tensor tensor) {
        delegate.release(tensor);
    }

    @Override
    public void write(Tensor destination, double[] values) {
        delegate.write(destination, values);
    }

    @Override
    public void write(Tensor destination, float[] values) {
        delegate.write(destination, values);
    }

    @Override
    public void write(Tensor destination, int[] values) {
        delegate.write(destination, values);
    }

    @Override
    public double[] read(Tensor source) {
        return delegate.read(source);
    }

    @Override
    public void fill(Tensor tensor, double value) {
        delegate.fill(tensor, value);
    }

    @Override
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        return delegate.kernel(opClass);
    }

    @Override
    public Set<Class<? extends Op>> kernelOps() {
        return delegate.kernelOps();
    }

    @Override
    public double sumOfSquares(Tensor tensor) {
        return delegate.sumOfSquares(tensor);
    }

    @Override
    public void scale(Tensor tensor, double factor) {
        delegate.scale(tensor, factor);
    }

    @Override
    public void applyUpdate(UpdateRule rule, double learningRate, long step, Tensor param, Tensor grad,
                            List<Tensor> state) {
        delegate.applyUpdate(rule, learningRate, step, param, grad, state);
    }

    @Override
    public int[] topK(Tensor scores, int k) {
        return delegate.topK(scores, k);
    }
}
