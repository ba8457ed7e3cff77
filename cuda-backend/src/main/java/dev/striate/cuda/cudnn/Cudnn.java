package dev.striate.cuda.cudnn;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import dev.striate.core.tensor.DType;
import dev.striate.cuda.ActivationLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Calls into cuDNN through {@link CudnnLibrary}, the enum values this package uses (as in cuDNN 9's headers), and the
 * host-side scaling factors cuDNN reads (float for float tensors). Every call's status is checked.
 */
public final class Cudnn {
    public static final int DATA_FLOAT = 0;
    /** {@code CUDNN_DATA_BFLOAT16}: 9 in cuDNN 9's cudnn_graph.h ("@since cuDNN 9.0.0"; checked in 9.24's), as in 8. */
    public static final int DATA_BFLOAT16 = 9;
    /** {@code cudnnTensorFormat_t}: CUDNN_TENSOR_NCHW, as every float tensor and parameter lies. */
    public static final int TENSOR_NCHW = 0;
    /**
     * CUDNN_TENSOR_NHWC: a tensor still described as n, c, h, w whose channels are innermost in memory; for a filter,
     * k, c, r, s laid out K, R, S, C.
     */
    public static final int TENSOR_NHWC = 1;
    public static final int CROSS_CORRELATION = 1;
    public static final int PROPAGATE_NAN = 1;

    /** The float 1 for cuDNN's alpha and beta (result = alpha·op + beta·result); never written, so shared. */
    public static final MemorySegment ONE = Arena.global().allocateFrom(JAVA_FLOAT, 1f);
    /** The float 0 for cuDNN's alpha and beta. */
    public static final MemorySegment ZERO = Arena.global().allocateFrom(JAVA_FLOAT, 0f);

    private Cudnn() {
    }

    /**
     * Calls {@code symbol} (which returns a {@code cudnnStatus_t}) and throws, naming it, unless it succeeded. The
     * device is made current first: the caller may be a thread that has not used it yet, or another device's.
     */
    public static void call(CudnnLibrary library, String symbol, FunctionDescriptor descriptor, Object... arguments) {
        MethodHandle function = library.statusCall(symbol, descriptor);
        library.makeCurrent();
        int status;
        try {
            status = (int) function.invokeExact(arguments);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(symbol + " could not be called", e);
        }
        library.check(status, symbol);
    }

    /**
     * cuDNN's data type for tensors stored as {@code dtype}: F32 or BF16 (bf16 activations; their scaling factors and
     * the convolutions' compute type stay float).
     */
    public static int dataType(DType dtype) {
        return switch (dtype) {
            case F32 -> DATA_FLOAT;
            case BF16 -> DATA_BFLOAT16;
            default -> throw new IllegalArgumentException("cuDNN is given F32 or BF16 tensors, not " + dtype);
        };
    }

    /** cuDNN's tensor format for tensors laid out as {@code layout}. */
    public static int format(ActivationLayout layout) {
        return switch (layout) {
            case NCHW -> TENSOR_NCHW;
            case NHWC -> TENSOR_NHWC;
        };
    }

    /** A device address as the pointer argument cuDNN expects. */
    public static MemorySegment device(long address) {
        return MemorySegment.ofAddress(address);
    }

    /** beta: 1 to add into the destination (gradients), 0 to overwrite it. */
    public static MemorySegment beta(boolean accumulate) {
        return accumulate ? ONE : ZERO;
    }
}
