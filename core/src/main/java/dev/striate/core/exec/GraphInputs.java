package dev.striate.core.exec;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.StagedInput;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An executor's graph inputs, each a {@link StagedInput} of its backend: values fed directly are written into the
 * current tensor, values staged are copied while queued work still reads the current ones and become current at the
 * next forward ({@link #advance}). An input the backend stores in another type than the graph declares (fp32 images
 * on a bf16 backend, {@link Backend#storedType}) is converted into a tensor of that type at every forward, and that
 * tensor is what nodes read.
 */
final class GraphInputs implements AutoCloseable {
    private final Graph graph;
    private final Backend backend;
    private final Map<String, StagedInput> inputs = new LinkedHashMap<>();
    /** The stored-type copy of each input whose stored type differs from its declared one. */
    private final Map<String, Tensor> converted = new LinkedHashMap<>();

    GraphInputs(Graph graph, Backend backend) {
        this.graph = graph;
        this.backend = backend;
        for (GraphInput in : graph.inputs()) {
            inputs.put(in.name(), backend.stagedInput(in.shape(), in.dtype()));
            DType stored = backend.storedType(in.dtype(), null);
            if (stored != in.dtype()) {
                converted.put(in.name(), backend.allocateUninitialized(in.shape(), stored, TensorRole.INPUT));
            }
        }
    }

    /** The tensor a forward reads for {@code input}, in the type the backend stores it in. */
    Tensor current(String input) {
        Tensor copy = converted.get(input);
        return copy != null ? copy : inputs.get(input).current();
    }

    /** Where {@code length} values fed directly to {@code input} go; they replace a batch staged for it. */
    Tensor fed(String input, long length) {
        StagedInput staged = checked(input, length);
        staged.discard();
        return staged.current();
    }

    void stage(String input, MemorySegment floats) {
        checked(input, floats.byteSize() / Float.BYTES).stage(floats);
    }

    void stage(String input, int[] values) {
        checked(input, values.length).stage(values);
    }

    private StagedInput checked(String input, long length) {
        GraphInput in = graph.input(input);
        if (length != in.shape().size()) {
            throw new IllegalArgumentException("input '" + input + "' has shape " + in.shape() + " ("
                    + in.shape().size() + " elements), got " + length + " values");
        }
        return inputs.get(input);
    }

    /** At the start of a forward: every staged batch becomes current, and is converted where the backend wants it. */
    void advance() {
        inputs.values().forEach(StagedInput::advance);
        converted.forEach((name, copy) -> backend.convert(inputs.get(name).current(), copy));
    }

    void awaitSourcesRead() {
        inputs.values().forEach(StagedInput::awaitSourcesRead);
    }

    @Override
    public void close() {
        inputs.values().forEach(StagedInput::close);
        inputs.clear();
        converted.values().forEach(backend::release);
        converted.clear();
    }
}
