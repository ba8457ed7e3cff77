package dev.striate.cuda.cudnn;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * cuDNN 9 through {@code java.lang.foreign} (JCudnn's Java API stops at cuDNN 8). The op-family classes of this
 * package ({@code CudnnConvolution}, {@code CudnnPooling}, ...) make their own downcalls through {@link Cudnn#call}, so
 * the legacy API each uses stays behind one class per family and the graph API can replace it later.
 */
public interface CudnnLibrary {
    /**
     * A handle, made once and cached, that calls the cuDNN function {@code symbol} (of C signature
     * {@code descriptor}) with its arguments in an {@code Object[]} and returns its {@code cudnnStatus_t}:
     * {@code (int) handle.invokeExact(arguments)} ({@link dev.striate.cuda.natives.NativeLibrary#spreading}).
     */
    MethodHandle statusCall(String symbol, FunctionDescriptor descriptor);

    /**
     * Makes the device the handle belongs to current on the calling thread; {@link Cudnn#call} does it before every
     * call, so that a kernel prepared on one thread may run on another, and on a GPU other than the first.
     */
    void makeCurrent();

    /** The {@code cudnnHandle_t}, bound to the backend's stream. */
    MemorySegment handle();

    /** Throws, naming the call and cuDNN's error string, when {@code status} is not {@code CUDNN_STATUS_SUCCESS}. */
    void check(int status, String call);

    /** {@code cudnnGetVersion()}, e.g. 91900 for 9.19.0. */
    long version();
}
