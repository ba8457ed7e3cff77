package dev.striate.cuda.standin;

import dev.striate.core.backend.BackendOptions;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.StagedInput;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.CudaBackendProvider;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Run in its own JVM by {@link StagedInputStandInTest} against {@link CopyStreamDriver}: stages batches into the CUDA
 * backend's inputs as the training loop does, reads results with one wait, and writes what it did ("# ...") and what
 * it read back into the driver's log, between the driver's own lines. Host addresses are named A, B, C in the log.
 */
public final class StagedInputProbe {
    private static Path log;

    private StagedInputProbe() {
    }

    private static void note(String line) throws IOException {
        Files.writeString(log, "# " + line + "\n", StandardOpenOption.APPEND, StandardOpenOption.CREATE);
    }

    private static MemorySegment batch(Arena arena, String name, float... values) throws IOException {
        MemorySegment segment = arena.allocate((long) values.length * Float.BYTES, 4096);
        MemorySegment.copy(values, 0, segment, ValueLayout.JAVA_FLOAT, 0, values.length);
        note(name + " = 0x" + Long.toHexString(segment.address()));
        return segment;
    }

    public static void main(String[] args) throws IOException {
        log = Path.of(System.getenv("STANDIN_LOG"));
        CudaBackend backend = (CudaBackend) new CudaBackendProvider().open(new BackendOptions(Precision.FP32));
        Arena loader = Arena.ofShared();
        MemorySegment a = batch(loader, "A", 1, 2, 3, 4);
        MemorySegment b = batch(loader, "B", 5, 6, 7, 8);
        MemorySegment c = batch(loader, "C", 9, 10, 11, 12);
        note("made images [4]");
        StagedInput images = backend.stagedInput(Shape.of(4), DType.F32);
        try {
            images.stage(MemorySegment.ofArray(new float[4]));
            note("a heap segment was staged");
        } catch (IllegalArgumentException e) {
            note("a heap segment is refused: " + e.getMessage());
        }
        note("stage A");
        images.stage(a);
        note("forward");
        images.advance();
        note("read " + Arrays.toString(backend.read(images.current())));
        note("stage B");
        images.stage(b);
        note("host waits before the loader refills B");
        images.awaitSourcesRead();
        note("forward");
        images.advance();
        note("stage A again");
        images.stage(a);
        note("forward");
        images.advance();
        note("read " + Arrays.toString(backend.read(images.current())));
        note("forward with nothing staged: " + images.advance());
        note("stage B, then feed instead");
        images.stage(b);
        images.discard();
        note("forward after a discarded stage: " + images.advance());

        note("a partial batch: C's first 2 images, then the whole of C");
        StagedInput partial = backend.stagedInput(Shape.of(2), DType.F32);
        partial.stage(c.asSlice(0, 2 * Float.BYTES));
        images.stage(c);
        images.advance();
        note("read " + Arrays.toString(backend.read(images.current())));

        note("labels [3]");
        StagedInput labels = backend.stagedInput(Shape.of(3), DType.I32);
        labels.stage(new int[] {4, 0, 2});
        labels.advance();

        note("one wait for three results");
        Tensor loss = backend.allocate(Shape.of(1), DType.F64, TensorRole.SCRATCH);
        backend.write(loss, new double[] {0.75});
        List<double[]> results = backend.read(List.of(loss, labels.current(), images.current()));
        note("read " + results.stream().map(Arrays::toString).toList());

        note("close the inputs");
        labels.close();
        partial.close();
        images.close();
        backend.release(loss);
        note("the loader frees A, B and C before the backend closes");
        loader.close();
        note("close the backend");
        backend.close();
        note("closed");
    }
}
