package dev.striate.cuda.doctor;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.striate.cuda.natives.LibraryDiscovery;
import dev.striate.cuda.natives.NativeLibrary;
import dev.striate.cuda.natives.NativeLibraryException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks the NVIDIA driver ({@code libcuda.so.1}, through {@code java.lang.foreign}, without JCuda) for its version and
 * its GPUs. Cheap and never throwing: on a machine without a driver it returns the reason in one line.
 */
final class DriverProbe {
    private static final int COMPUTE_CAPABILITY_MAJOR = 75;
    private static final int COMPUTE_CAPABILITY_MINOR = 76;
    private static final FunctionDescriptor INT_OF_ADDRESS = FunctionDescriptor.of(JAVA_INT, ADDRESS);

    private DriverProbe() {
    }

    static DriverReport probe(LibraryDiscovery discovery) {
        Optional<NativeLibrary> opened = NativeLibrary.openByName("libcuda.so.1");
        String location = "libcuda.so.1 on the loader's path";
        if (opened.isEmpty()) {
            Optional<LibraryDiscovery.Found> found = discovery.find("libcuda.so", List.of(1));
            if (found.isEmpty()) {
                return DriverReport.failed(null, 0, "no NVIDIA driver: libcuda.so.1 was not found (install the NVIDIA"
                        + " driver; in a container, start it with the GPU visible, e.g. docker run --gpus all)");
            }
            try {
                opened = Optional.of(NativeLibrary.open(found.get().path()));
                location = found.get().path().toString();
            } catch (NativeLibraryException e) {
                return DriverReport.failed(found.get().path().toString(), 0, "the NVIDIA driver library cannot be"
                        + " loaded: " + e.getMessage() + " (reinstall the NVIDIA driver)");
            }
        }
        return probe(opened.get(), location);
    }

    private static DriverReport probe(NativeLibrary cuda, String location) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_LONG);
            int status = cuda.callStatus("cuDriverGetVersion", INT_OF_ADDRESS, value);
            int version = status == 0 ? value.get(JAVA_INT, 0) : 0;
            status = cuda.callStatus("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT), 0);
            if (status != 0) {
                return DriverReport.failed(location, version, "the NVIDIA driver " + DriverReport.versionText(version)
                        + " cannot start CUDA: cuInit failed with " + errorName(cuda, status) + " (" + hint(status)
                        + ")");
            }
            check(cuda, cuda.callStatus("cuDeviceGetCount", INT_OF_ADDRESS, value), "cuDeviceGetCount");
            int count = value.get(JAVA_INT, 0);
            List<DriverReport.Gpu> gpus = new ArrayList<>();
            for (int ordinal = 0; ordinal < count; ordinal++) {
                gpus.add(gpu(cuda, arena, ordinal));
            }
            if (gpus.isEmpty()) {
                return DriverReport.failed(location, version,
                        "the NVIDIA driver sees no GPU (check nvidia-smi and CUDA_VISIBLE_DEVICES)");
            }
            return new DriverReport(location, version, gpus, null);
        } catch (NativeLibraryException e) {
            return DriverReport.failed(location, 0, "the NVIDIA driver does not answer: " + e.getMessage());
        }
    }

    private static DriverReport.Gpu gpu(NativeLibrary cuda, Arena arena, int ordinal) {
        MemorySegment device = arena.allocate(JAVA_INT);
        check(cuda, cuda.callStatus("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), device,
                ordinal), "cuDeviceGet");
        int handle = device.get(JAVA_INT, 0);
        MemorySegment name = arena.allocate(256);
        check(cuda, cuda.callStatus("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                name, 256, handle), "cuDeviceGetName");
        MemorySegment memory = arena.allocate(JAVA_LONG);
        check(cuda, cuda.callStatus("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                memory, handle), "cuDeviceTotalMem_v2");
        return new DriverReport.Gpu(ordinal, name.getString(0), attribute(cuda, arena, COMPUTE_CAPABILITY_MAJOR, handle),
                attribute(cuda, arena, COMPUTE_CAPABILITY_MINOR, handle), memory.get(JAVA_LONG, 0));
    }

    private static int attribute(NativeLibrary cuda, Arena arena, int attribute, int device) {
        MemorySegment value = arena.allocate(JAVA_INT);
        check(cuda, cuda.callStatus("cuDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT), value, attribute, device), "cuDeviceGetAttribute");
        return value.get(JAVA_INT, 0);
    }

    private static void check(NativeLibrary cuda, int status, String call) {
        if (status != 0) {
            throw new NativeLibraryException(call + " failed with " + errorName(cuda, status), null);
        }
    }

    /** {@code cuGetErrorName}, e.g. CUDA_ERROR_NO_DEVICE; the number when the driver cannot name it. */
    static String errorName(NativeLibrary cuda, int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(ADDRESS);
            int result = cuda.callStatus("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS),
                    status, name);
            MemorySegment text = name.get(ADDRESS, 0);
            return result == 0 && !text.equals(MemorySegment.NULL)
                    ? text.reinterpret(200).getString(0) : "CUDA error " + status;
        }
    }

    private static String hint(int status) {
        return switch (status) {
            case 100 -> "no CUDA GPU is visible: check nvidia-smi and CUDA_VISIBLE_DEVICES";
            case 35 -> "the driver is too old for CUDA 12: update the NVIDIA driver";
            case 803, 804 -> "the driver's kernel module and libcuda.so.1 differ in version: reboot or reinstall the"
                    + " NVIDIA driver";
            case 999 -> "the driver is in a bad state: check nvidia-smi and dmesg";
            default -> "check nvidia-smi";
        };
    }
}
