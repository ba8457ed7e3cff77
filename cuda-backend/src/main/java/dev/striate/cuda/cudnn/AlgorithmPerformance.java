package dev.striate.cuda.cudnn;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of cuDNN's {@code cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t}, which share one 48-byte layout:
 * algo int @0, status int @4, time float @8, memory size_t @16, determinism int @24, mathType int @28, reserved.
 */
public record AlgorithmPerformance(int algorithm, int status, float milliseconds, long workspaceBytes,
                                   int mathType) {
    public static final long BYTES = 48;

    /** The first {@code count} entries of an array of perf structs, in cuDNN's order (fastest first). */
    public static List<AlgorithmPerformance> read(MemorySegment results, int count) {
        List<AlgorithmPerformance> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long base = i * BYTES;
            entries.add(new AlgorithmPerformance(results.get(JAVA_INT, base), results.get(JAVA_INT, base + 4),
                    results.get(JAVA_FLOAT, base + 8), results.get(JAVA_LONG, base + 16),
                    results.get(JAVA_INT, base + 28)));
        }
        return entries;
    }
}
