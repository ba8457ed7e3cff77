package dev.striate.core.backend;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@link StagedInput} with one tensor, written when staged: right for a backend whose work is done when each call
 * returns (nothing queued can still read the input) and for one whose writes queue behind the work already queued.
 */
final class SynchronousStagedInput implements StagedInput {
    private final Backend backend;
    private final Tensor tensor;
    private boolean staged;

    SynchronousStagedInput(Backend backend, Shape shape, DType dtype) {
        this.backend = backend;
        this.tensor = backend.allocate(shape, dtype, TensorRole.INPUT);
    }

    @Override
    public Tensor current() {
        return tensor;
    }

    @Override
    public void stage(MemorySegment floats) {
        backend.write(tensor, floats.toArray(ValueLayout.JAVA_FLOAT));
        staged = true;
    }

    @Override
    public void stage(int[] values) {
        backend.write(tensor, values);
        staged = true;
    }

    @Override
    public boolean advance() {
        boolean advanced = staged;
        staged = false;
        return advanced;
    }

    @Override
    public void discard() {
        staged = false;
    }

    @Override
    public void awaitSourcesRead() {
    }

    @Override
    public void close() {
        backend.release(tensor);
    }
}
