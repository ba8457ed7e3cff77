package dev.striate.cpu.train;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.ParameterUpdate;
import dev.striate.core.backend.StagedInput;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.op.Op;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The CPU backend, computing exactly what it computes, with a log of the calls that wait for the device or copy to
 * it: "stage SHAPE" when an input's next values are staged, "wait N" when N results are read together, "read" for a
 * single tensor read, and whatever a test adds with {@link #note}.
 */
final class RecordingBackend implements Backend {
    private final CpuBackend cpu = new CpuBackend();
    private final List<String> log = new ArrayList<>();

    List<String> log() {
        return log;
    }

    void note(String line) {
        log.add(line);
    }

    @Override
    public String name() {
        return cpu.name();
    }

    @Override
    public String description() {
        return cpu.description();
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype, TensorRole role) {
        return cpu.allocate(shape, dtype, role);
    }

    @Override
    public void release(Tensor tensor) {
        cpu.release(tensor);
    }

    @Override
    public void write(Tensor destination, double[] values) {
        cpu.write(destination, values);
    }

    @Override
    public void write(Tensor destination, float[] values) {
        cpu.write(destination, values);
    }

    @Override
    public void write(Tensor destination, int[] values) {
        cpu.write(destination, values);
    }

    @Override
    public double[] read(Tensor source) {
        log.add("read");
        return cpu.read(source);
    }

    @Override
    public List<double[]> read(List<Tensor> sources) {
        log.add("wait " + sources.size());
        return sources.stream().map(cpu::read).toList();
    }

    @Override
    public void fill(Tensor tensor, double value) {
        cpu.fill(tensor, value);
    }

    @Override
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        return cpu.kernel(opClass);
    }

    @Override
    public Set<Class<? extends Op>> kernelOps() {
        return cpu.kernelOps();
    }

    @Override
    public double sumOfSquares(Tensor tensor) {
        return cpu.sumOfSquares(tensor);
    }

    @Override
    public double sumOfSquares(List<Tensor> tensors) {
        log.add("read");
        return cpu.sumOfSquares(tensors);
    }

    @Override
    public void sumOfSquares(List<Tensor> tensors, Tensor total) {
        cpu.sumOfSquares(tensors, total);
    }

    @Override
    public void scale(Tensor tensor, double factor) {
        cpu.scale(tensor, factor);
    }

    @Override
    public void applyUpdate(UpdateRule rule, double learningRate, long step, Tensor param, Tensor grad,
                            List<Tensor> state) {
        cpu.applyUpdate(rule, learningRate, step, param, grad, state);
    }

    @Override
    public void applyUpdates(double learningRate, long step, List<ParameterUpdate> updates) {
        cpu.applyUpdates(learningRate, step, updates);
    }

    @Override
    public int[] topK(Tensor scores, int k) {
        log.add("read");
        return cpu.topK(scores, k);
    }

    @Override
    public void topK(Tensor scores, int k, Tensor indices) {
        cpu.write(indices, cpu.topK(scores, k));
    }

    @Override
    public StagedInput stagedInput(Shape shape, DType dtype) {
        StagedInput input = cpu.stagedInput(shape, dtype);
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
        return cpu.memoryCapacity();
    }

    @Override
    public int bytesPerValue() {
        return cpu.bytesPerValue();
    }

    @Override
    public void close() {
        cpu.close();
    }
}
