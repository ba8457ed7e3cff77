package dev.striate.core.exec;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.StagedInput;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An executor's graph inputs, each a {@link StagedInput} of its backend: values fed directly are written into the
 * current tensor, values staged are copied while queued work still reads the current ones and become current at the
 * next forward ({@link #advance}).
 */
final class GraphInputs implements AutoCloseable {
    private final Graph graph;
    private final Map<String, StagedInput> inputs = new LinkedHashMap<>();

    GraphInputs(Graph graph, Backend backend) {
        this.graph = graph;
        for (GraphInput in : graph.inputs()) {
            inputs.put(in.name(), backend.stagedInput(in.shape(), in.dtype()));
        }
    }

    /** The tensor a forward reads for {@code input}. */
    Tensor current(String input) {
        return inputs.get(input).current();
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

    /** At the start of a forward: every staged batch becomes current. */
    void advance() {
        inputs.values().forEach(StagedInput::advance);
    }

    void awaitSourcesRead() {
        inputs.values().forEach(StagedInput::awaitSourcesRead);
    }

    @Override
    public void close() {
        inputs.values().forEach(StagedInput::close);
        inputs.clear();
    }
}
