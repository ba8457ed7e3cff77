package dev.striate.cuda.standin;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.striate.cuda.device.CudaException;
import dev.striate.cuda.device.LoadedCudnn;
import dev.striate.cuda.natives.LibraryDiscovery;
import dev.striate.cuda.natives.NativeLibrary;
import java.lang.foreign.FunctionDescriptor;
import java.nio.file.Path;

/** Run in its own JVM by {@link CudnnStandInTest}: opens cuDNN from the file named, on the stream address given. */
public final class CudnnProbe {
    private CudnnProbe() {
    }

    public static void main(String[] args) throws Throwable {
        LibraryDiscovery.Found found = new LibraryDiscovery.Found(Path.of(args[0]), 9, "test");
        try {
            LoadedCudnn cudnn = LoadedCudnn.open(found, Long.decode(args[1]), () -> { });
            System.out.println("version " + cudnn.version() + ", handle 0x" + Long.toHexString(cudnn.handle().address()));
            // The library LoadedCudnn opened: NativeLibrary keeps one per file.
            NativeLibrary library = NativeLibrary.open(found.path());
            System.out.println("sum " + (long) library.function("graph_sum", FunctionDescriptor.of(JAVA_LONG)).invokeExact());
            System.out.println("sub-libraries found " + (long) library.function("sub_libraries_found",
                    FunctionDescriptor.of(JAVA_LONG)).invokeExact());
            cudnn.check(0, "cudnnAnything");
            cudnn.check(4, "cudnnConvolutionForward");
        } catch (CudaException e) {
            System.out.println(e.getMessage());
        }
    }
}
