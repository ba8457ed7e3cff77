package dev.striate.cuda.kernel;

import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;

/**
 * Launches the project's NVRTC kernels ({@code /dev/striate/cuda/kernels/<source>.cu}) with 256 threads per block,
 * and the elementwise copies and sums several op kernels share.
 */
final class Launcher {
    /** Threads per block; kernels with shared-memory reductions are written for exactly this many. */
    static final int THREADS = 256;
    /** Grid-stride kernels cover larger tensors by looping, so grids stay within every device's limits. */
    private static final long MAX_BLOCKS = 1L << 20;

    private final CudaContext context;

    Launcher(CudaContext context) {
        this.context = context;
    }

    /** One thread per element (grid-stride beyond {@link #MAX_BLOCKS} blocks). */
    void overElements(String source, String kernel, long elements, Object... arguments) {
        int blocks = (int) Math.max(1, Math.min(MAX_BLOCKS, (elements + THREADS - 1) / THREADS));
        context.launch(context.function(source, kernel), blocks, THREADS, arguments);
    }

    /** Exactly {@code blocks} blocks (one per row, per channel, ...). */
    void withBlocks(String source, String kernel, int blocks, Object... arguments) {
        context.launch(context.function(source, kernel), blocks, THREADS, arguments);
    }

    /** destination = source, element by element. */
    void copy(Tensor source, Tensor destination) {
        overElements("elementwise", "copy_f32", source.size(), source, destination, source.size());
    }

    /** destination += source, element by element. */
    void accumulate(Tensor source, Tensor destination) {
        overElements("elementwise", "accumulate_f32", source.size(), source, destination, source.size());
    }

    void fill(Tensor tensor, float value) {
        overElements("elementwise", "fill_f32", tensor.size(), tensor, tensor.size(), value);
    }
}
