package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.CudaContext;
import java.util.Arrays;

/**
 * Launches the project's NVRTC kernels ({@code /dev/striate/cuda/kernels/<source>.cu}) with 256 threads per block,
 * and the elementwise copies and sums several op kernels share. The kernel's variant follows its tensors: bf16 when any
 * tensor argument is BF16 (its {@code act_t} pointers take them; float pointers take parameters), float otherwise.
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
        context.launch(context.function(source, kernel, storage(arguments)), blocks, THREADS, arguments);
    }

    /**
     * A backward kernel writing input 0's gradient, one thread per element: {@code arguments} then its last argument,
     * {@code int accumulate} ({@link #accumulateFlag}).
     */
    void backwardOverElements(BackwardCall call, String source, String kernel, long elements, Object... arguments) {
        Object[] all = Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = accumulateFlag(call, 0);
        overElements(source, kernel, elements, all);
    }

    /** Exactly {@code blocks} blocks (one per row, per channel, ...). */
    void withBlocks(String source, String kernel, int blocks, Object... arguments) {
        context.launch(context.function(source, kernel, storage(arguments)), blocks, THREADS, arguments);
    }

    /** The activation storage of a launch: BF16 when any of its tensors is, else F32. */
    static DType storage(Object... arguments) {
        for (Object argument : arguments) {
            if (argument instanceof Tensor tensor && tensor.dtype() == DType.BF16) {
                return DType.BF16;
            }
        }
        return DType.F32;
    }

    /**
     * The {@code int accumulate} argument of a backward kernel for input {@code position}'s gradient: 1 to add into
     * it, 0 to write it whole without reading it, where the call hands it over fresh ({@link BackwardCall#fresh}).
     */
    static int accumulateFlag(BackwardCall call, int position) {
        return call.fresh(position) ? 0 : 1;
    }

    /**
     * Zeroes input {@code position}'s gradient where the call hands it over fresh: for a kernel path that can only
     * add into a gradient, in a kernel that writes it whole on its other paths.
     */
    void clearIfFresh(BackwardCall call, int position) {
        Tensor gradient = call.inputGrads().get(position);
        if (gradient != null && call.fresh(position)) {
            fill(gradient, 0f);
        }
    }

    /**
     * The layout the kernel variant of a launch with these arguments reads: the context's for the bf16 variant, NCHW
     * for the float one. Rank-2 tensors lie the same in both, so a kernel whose grid depends on the layout follows
     * this.
     */
    ActivationLayout variantLayout(Object... arguments) {
        return context.variantLayout(storage(arguments));
    }

    /** destination = source, element by element. */
    void copy(Tensor source, Tensor destination) {
        overElements("elementwise", "copy_act", source.size(), source, destination, source.size());
    }

    /** destination += source, element by element. */
    void accumulate(Tensor source, Tensor destination) {
        overElements("elementwise", "accumulate_act", source.size(), source, destination, source.size());
    }

    void fill(Tensor tensor, float value) {
        overElements("elementwise", "fill_act", tensor.size(), tensor, tensor.size(), value);
    }
}
