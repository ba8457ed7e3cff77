package dev.striate.core.backend;

import dev.striate.core.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * A graph input that can take the next batch while work queued on the current one still runs: {@link #stage} starts
 * copying the next batch's values, and the executor's next forward calls {@link #advance} to make them current. On a
 * GPU the copy runs on its own stream into a second buffer, overlapped with the step in flight; on a backend whose
 * work is done when each call returns, nothing still reads the input, so the values are written at once.
 * Made by {@link Backend#stagedInput}.
 */
public interface StagedInput extends AutoCloseable {
    /** The tensor a forward reads (and {@link Backend#write} fills when the input is fed directly). */
    Tensor current();

    /** Starts copying {@code current().size()} 32-bit floats in native byte order, to become current at the next advance. */
    void stage(MemorySegment floats);

    /** Starts copying {@code current().size()} integers (labels), to become current at the next advance. */
    void stage(int[] values);

    /**
     * Makes the staged values current, so that work queued from now on reads them only after their copy; false (and
     * nothing changes) when nothing was staged.
     */
    boolean advance();

    /** Forgets values staged and not yet made current: the input was fed directly instead. */
    void discard();

    /** Waits on the host until every staged copy has read its source, which may then be refilled. */
    void awaitSourcesRead();

    @Override
    void close();
}
