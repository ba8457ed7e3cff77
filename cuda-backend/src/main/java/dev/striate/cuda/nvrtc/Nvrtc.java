package dev.striate.cuda.nvrtc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.striate.cuda.natives.CudaLibraryLoader;
import dev.striate.cuda.natives.NativeLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * NVRTC through {@code java.lang.foreign}, called directly on the {@code libnvrtc.so.<major>} that library discovery
 * found: its C API is eight functions, so this needs no rewritten JNvrtc native (and no second soname rewrite), binds
 * to NVRTC 12 or 13 alike, and reports the exact library it used. Compiles for the device's real architecture
 * ({@code sm_90} → cubin) when NVRTC knows it, otherwise for the newest virtual one it knows (PTX the driver
 * compiles), so a GPU newer than the NVRTC still runs.
 */
public final class Nvrtc {
    private static final FunctionDescriptor STATUS_OF_ADDRESS = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor STATUS_OF_ADDRESS_ADDRESS = FunctionDescriptor.of(JAVA_INT, ADDRESS,
            ADDRESS);

    /** What to build: {@code sm_90} (a cubin) or {@code compute_90} (PTX). */
    public record Target(String architecture, boolean cubin) {
    }

    private final NativeLibrary library;
    private final String version;

    public Nvrtc(NativeLibrary library) {
        this.library = library;
        this.version = CudaLibraryLoader.nvrtcVersion(library);
    }

    /** {@code 13.0}. */
    public String version() {
        return version;
    }

    /** The target for a device of compute capability {@code major.minor}. */
    public Target target(int major, int minor) {
        int wanted = major * 10 + minor;
        List<Integer> supported = supportedArchitectures();
        if (supported.contains(wanted)) {
            return new Target("sm_" + wanted, true);
        }
        int best = supported.stream().filter(a -> a < wanted).max(Integer::compare).orElseThrow(() ->
                new IllegalStateException("NVRTC " + version + " supports no architecture up to sm_" + wanted));
        return new Target("compute_" + best, false);
    }

    private List<Integer> supportedArchitectures() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check(library.callStatus("nvrtcGetNumSupportedArchs", STATUS_OF_ADDRESS, count),
                    "nvrtcGetNumSupportedArchs");
            MemorySegment architectures = arena.allocate(JAVA_INT, count.get(JAVA_INT, 0));
            check(library.callStatus("nvrtcGetSupportedArchs", STATUS_OF_ADDRESS, architectures),
                    "nvrtcGetSupportedArchs");
            List<Integer> result = new ArrayList<>();
            for (int i = 0; i < count.get(JAVA_INT, 0); i++) {
                result.add(architectures.getAtIndex(JAVA_INT, i));
            }
            return result;
        }
    }

    /** Compiles CUDA C {@code source} (named {@code name} in messages); throws with NVRTC's log on an error. */
    public byte[] compile(String name, String source, Target target) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment program = arena.allocate(ADDRESS);
            check(library.callStatus("nvrtcCreateProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                    JAVA_INT, ADDRESS, ADDRESS), program, arena.allocateFrom(source), arena.allocateFrom(name), 0,
                    MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
            MemorySegment handle = program.get(ADDRESS, 0);
            try {
                String[] options = {"--gpu-architecture=" + target.architecture(), "--std=c++17"};
                MemorySegment optionArray = arena.allocate(ADDRESS, options.length);
                for (int i = 0; i < options.length; i++) {
                    optionArray.setAtIndex(ADDRESS, i, arena.allocateFrom(options[i]));
                }
                int status = library.callStatus("nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                        JAVA_INT, ADDRESS), handle, options.length, optionArray);
                if (status != 0) {
                    throw new IllegalStateException("NVRTC " + version + " could not compile " + name + " for "
                            + target.architecture() + " (" + errorString(status) + "):\n" + log(arena, handle));
                }
                String kind = target.cubin() ? "CUBIN" : "PTX";
                MemorySegment size = arena.allocate(JAVA_LONG);
                check(library.callStatus("nvrtcGet" + kind + "Size", STATUS_OF_ADDRESS_ADDRESS, handle, size),
                        "nvrtcGet" + kind + "Size");
                MemorySegment image = arena.allocate(size.get(JAVA_LONG, 0));
                check(library.callStatus("nvrtcGet" + kind, STATUS_OF_ADDRESS_ADDRESS, handle, image),
                        "nvrtcGet" + kind);
                return image.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            } finally {
                library.callStatus("nvrtcDestroyProgram", STATUS_OF_ADDRESS, program);
            }
        }
    }

    private String log(Arena arena, MemorySegment handle) {
        MemorySegment size = arena.allocate(JAVA_LONG);
        check(library.callStatus("nvrtcGetProgramLogSize", STATUS_OF_ADDRESS_ADDRESS, handle, size),
                "nvrtcGetProgramLogSize");
        MemorySegment log = arena.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
        check(library.callStatus("nvrtcGetProgramLog", STATUS_OF_ADDRESS_ADDRESS, handle, log), "nvrtcGetProgramLog");
        return log.getString(0);
    }

    private void check(int status, String call) {
        if (status != 0) {
            throw new IllegalStateException(call + " failed: " + errorString(status) + " (NVRTC " + version + ")");
        }
    }

    private String errorString(int status) {
        try {
            MemorySegment text = (MemorySegment) library.function("nvrtcGetErrorString",
                    FunctionDescriptor.of(ADDRESS, JAVA_INT)).invokeExact(status);
            return text.reinterpret(200).getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("nvrtcGetErrorString failed", e);
        }
    }
}
