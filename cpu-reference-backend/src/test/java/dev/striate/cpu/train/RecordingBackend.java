package dev.striate.cpu.train;

import dev.striate.core.backend.ParameterUpdate;
import dev.striate.core.backend.StagedInput;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.check.WrappedCpuBackend;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU backend (through {@link WrappedCpuBackend}, plus the calls that wrapper leaves to the defaults), computing
 * exactly what it computes, with a log of the calls that wait for the device or copy to it: "stage SHAPE" when an
 * input's next values are staged, "wait N" when N results are read together, "read" for a single tensor read, and
 * whatever a test adds with {@link #note}.
 */
final class RecordingBackend extends WrappedCpuBackend {
    private final List<String> log = new ArrayList<>();

    List<String> log() {
        return log;
    }

    void note(String line) {
        log.add(line);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public double[] read(Tensor source) {
        log.add("read");
        return delegate.read(source);
    }

    @Override
    public List<double[]> read(List<Tensor> sources) {
        log.add("wait " + sources.size());
        return sources.stream().map(delegate::read).toList();
    }

    @Override
    public double sumOfSquares(List<Tensor> tensors) {
        log.add("read");
        return delegate.sumOfSquares(tensors);
    }

    @Override
    public void sumOfSquares(List<Tensor> tensors, Tensor total) {
        delegate.sumOfSquares(tensors, total);
    }

    @Override
    public void applyUpdates(double learningRate, long step, List<ParameterUpdate> updates) {
        delegate.applyUpdates(learningRate, step, updates);
    }

    @Override
    public int[] topK(Tensor scores, int k) {
        log.add("read");
        return delegate.topK(scores, k);
    }

    @Override
    public void topK(Tensor scores, int k, Tensor indices) {
        delegate.write(indices, delegate.topK(scores, k));
    }

    @Override
    public StagedInput stagedInput(Shape shape, DType dtype) {
        StagedInput input = delegate.stagedInput(shape, dtype);
        return new StagedInput() {
            @Override
            public Tensor current() {
                return input.current();
            }

            @Override
            public void stage(MemorySegment floats) {
                log.add("stage " + shape);
                input.stage(floats);
            }

            @Override
            public void stage(int[] values) {
                log.add("stage " + shape);
                input.stage(values);
            }

            @Override
            public boolean advance() {
                return input.advance();
            }

            @Override
            public void discard() {
                input.discard();
            }

            @Override
            public void awaitSourcesRead() {
                input.awaitSourcesRead();
            }

            @Override
            public void close() {
                input.close();
            }
        };
    }

    @Override
    public long memoryCapacity() {
        return delegate.memoryCapacity();
    }

    @Override
    public int bytesPerValue() {
        return delegate.bytesPerValue();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
