package dev.striate.cuda.device;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.striate.cuda.cudnn.CudnnLibrary;
import dev.striate.cuda.natives.CudaLibraryLoader;
import dev.striate.cuda.natives.LibraryDiscovery;
import dev.striate.cuda.natives.NativeLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** cuDNN 9 opened from the file library discovery found, with one handle bound to the backend's stream. */
public final class LoadedCudnn implements CudnnLibrary, AutoCloseable {
    private final NativeLibrary library;
    private final MemorySegment handle;
    private final long version;
    private final Runnable makeCurrent;

    private LoadedCudnn(NativeLibrary library, MemorySegment handle, long version, Runnable makeCurrent) {
        this.library = library;
        this.handle = handle;
        this.version = version;
        this.makeCurrent = makeCurrent;
    }

    /**
     * Opens cuDNN with a handle on the device {@code makeCurrent} makes current (it is current when this is called)
     * and bound to that device's stream.
     */
    public static LoadedCudnn open(LibraryDiscovery.Found cudnn, long streamAddress, Runnable makeCurrent) {
        NativeLibrary library = CudaLibraryLoader.openCudnn(cudnn);
        long version = CudaLibraryLoader.cudnnVersion(library);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handleOut = arena.allocate(ADDRESS);
            LoadedCudnn partial = new LoadedCudnn(library, MemorySegment.NULL, version, makeCurrent);
            partial.check(library.callStatus("cudnnCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS), handleOut),
                    "cudnnCreate");
            MemorySegment handle = handleOut.get(ADDRESS, 0);
            partial.check(library.callStatus("cudnnSetStream", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
                    handle, MemorySegment.ofAddress(streamAddress)), "cudnnSetStream");
            return new LoadedCudnn(library, handle, version, makeCurrent);
        }
    }

    @Override
    public MethodHandle statusCall(String symbol, FunctionDescriptor descriptor) {
        return library.statusCall(symbol, descriptor);
    }

    @Override
    public void makeCurrent() {
        makeCurrent.run();
    }

    @Override
    public MemorySegment handle() {
        return handle;
    }

    @Override
    public void check(int status, String call) {
        if (status != 0) {
            throw new CudaException(call + " failed: " + errorString(status) + " (status " + status + ", cuDNN "
                    + CudaLibraryLoader.cudnnVersionText(version) + ")");
        }
    }

    private String errorString(int status) {
        try {
            MemorySegment text = (MemorySegment) library.function("cudnnGetErrorString",
                    FunctionDescriptor.of(ADDRESS, JAVA_INT)).invokeExact(status);
            return text.reinterpret(200).getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new CudaException("cudnnGetErrorString failed", e);
        }
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public void close() {
        makeCurrent.run();
        check(library.callStatus("cudnnDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS), handle), "cudnnDestroy");
    }
}
