package dev.striate.cuda.natives;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens cuBLAS, NVRTC and cuDNN from the files library discovery found, companions first (cuBLASLt, NVRTC's
 * built-ins, cuDNN's sub-libraries, which the main library needs or {@code dlopen}s by soname), and reads each
 * library's version from the library itself.
 */
public final class CudaLibraryLoader {
    /**
     * cuDNN 9's sub-libraries in dependency order: the graph API first, the legacy APIs that build on it last. Every
     * one a release ships is named (9.19 added the tensor IR engines and {@code libcudnn_ext}, which the graph library
     * and the main library {@code dlopen} by soname): one left out is found only where the loader's path has it.
     */
    private static final List<String> CUDNN_ORDER = List.of("libcudnn_graph", "libcudnn_engines_precompiled",
            "libcudnn_engines_runtime_compiled", "libcudnn_engines_tensor_ir", "libcudnn_heuristic", "libcudnn_ops",
            "libcudnn_cnn", "libcudnn_adv", "libcudnn_ext");

    private CudaLibraryLoader() {
    }

    public static NativeLibrary openCublas(LibraryDiscovery.Found cublas) {
        Path lt = cublas.folder().resolve("libcublasLt.so." + cublas.major());
        if (lt.toFile().exists()) {
            NativeLibrary.open(lt);
        }
        return NativeLibrary.open(cublas.path());
    }

    public static NativeLibrary openNvrtc(LibraryDiscovery.Found nvrtc) {
        for (Path builtins : LibraryDiscovery.companions(nvrtc.folder(), "libnvrtc-builtins.so." + nvrtc.major())) {
            NativeLibrary.open(builtins);
        }
        return NativeLibrary.open(nvrtc.path());
    }

    public static NativeLibrary openCudnn(LibraryDiscovery.Found cudnn) {
        List<Path> subLibraries = new ArrayList<>();
        for (String name : CUDNN_ORDER) {
            Path file = cudnn.folder().resolve(name + ".so." + cudnn.major());
            if (file.toFile().exists()) {
                subLibraries.add(file);
            }
        }
        subLibraries.forEach(NativeLibrary::open);
        return NativeLibrary.open(cudnn.path());
    }

    /** {@code cublasGetProperty} for MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL, as {@code 13.1.0}. */
    public static String cublasVersion(NativeLibrary cublas) {
        FunctionDescriptor descriptor = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            StringBuilder version = new StringBuilder();
            for (int property = 0; property < 3; property++) {
                int status = cublas.callStatus("cublasGetProperty", descriptor, property, value);
                if (status != 0) {
                    throw new NativeLibraryException("cublasGetProperty failed with status " + status, null);
                }
                version.append(property == 0 ? "" : ".").append(value.get(JAVA_INT, 0));
            }
            return version.toString();
        }
    }

    /** {@code nvrtcVersion}, as {@code 13.0}. */
    public static String nvrtcVersion(NativeLibrary nvrtc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(JAVA_INT);
            MemorySegment minor = arena.allocate(JAVA_INT);
            int status = nvrtc.callStatus("nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
                    major, minor);
            if (status != 0) {
                throw new NativeLibraryException("nvrtcVersion failed with status " + status, null);
            }
            return major.get(JAVA_INT, 0) + "." + minor.get(JAVA_INT, 0);
        }
    }

    /** {@code cudnnGetVersion()}, e.g. 91900 for 9.19.0. */
    public static long cudnnVersion(NativeLibrary cudnn) {
        try {
            return (long) cudnn.function("cudnnGetVersion", FunctionDescriptor.of(JAVA_LONG)).invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new NativeLibraryException("cudnnGetVersion failed: " + e, e);
        }
    }

    /** cuDNN 9 numbers its versions major·10000 + minor·100 + patch. */
    public static String cudnnVersionText(long version) {
        return version / 10000 + "." + version % 10000 / 100 + "." + version % 100;
    }
}
