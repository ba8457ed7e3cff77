package dev.striate.cuda.device;

import static dev.striate.cuda.device.CudaException.check;

import dev.striate.cuda.memory.DeviceMemory;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * One GPU through JCuda's driver API: its primary context (the one cuBLAS and cuDNN, which use the runtime API, also
 * use), one stream all compute is queued on, a second stream for the next batch's host-to-device copy (which
 * overlaps the compute), and raw memory for the caching allocator.
 */
public final class CudaDevice implements DeviceMemory, AutoCloseable {
    private final int index;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final StreamHandle stream = new StreamHandle();
    private final StreamHandle copyStream = new StreamHandle();
    private final Map<Long, DevicePointer> blocks = new HashMap<>();
    private final String name;
    private final int computeMajor;
    private final int computeMinor;
    private final long totalMemory;

    private CudaDevice(int index) {
        this.index = index;
        check(JCudaDriver.cuInit(0), "cuInit");
        check(JCudaDriver.cuDeviceGet(device, index), "cuDeviceGet(" + index + ")");
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
        makeCurrent();
        check(JCudaDriver.cuStreamCreate(stream, 0), "cuStreamCreate");
        // Non-blocking: work on the legacy default stream must not serialize the copies with the compute; events
        // order the two streams where it matters.
        check(JCudaDriver.cuStreamCreate(copyStream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        byte[] nameBytes = new byte[256];
        check(JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, device), "cuDeviceGetName");
        int end = 0;
        while (end < nameBytes.length && nameBytes[end] != 0) {
            end++;
        }
        this.name = new String(nameBytes, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
        this.computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        long[] total = new long[1];
        check(JCudaDriver.cuDeviceTotalMem(total, device), "cuDeviceTotalMem");
        this.totalMemory = total[0];
    }

    /**
     * Opens GPU {@code index}. JCuda's driver native needs only {@code libcuda.so.1}; when it cannot load, the error
     * says so instead of JCuda's page of nested stack traces.
     */
    public static CudaDevice open(int index) {
        try {
            return new CudaDevice(index);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new CudaException("JCuda's driver native cannot load (" + reason + "); striate doctor says why", e);
        }
    }

    private int attribute(int attribute) {
        int[] value = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }

    /**
     * Makes this device's context current on the calling thread. Free when it already is; a thread that used another
     * device since (a second backend on cuda:1) gets this one back.
     */
    public void makeCurrent() {
        CurrentContext.use(context, () -> check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent"));
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public int computeMajor() {
        return computeMajor;
    }

    public int computeMinor() {
        return computeMinor;
    }

    public long totalMemory() {
        return totalMemory;
    }

    public StreamHandle stream() {
        return stream;
    }

    /** The stream of input copies staged while a step runs ({@code StagedInput}); ordered with the compute by events. */
    public StreamHandle copyStream() {
        return copyStream;
    }

    public void synchronize() {
        makeCurrent();
        check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public long allocate(long bytes) {
        makeCurrent();
        DevicePointer pointer = new DevicePointer();
        int result = JCudaDriver.cuMemAlloc(pointer, bytes);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            return 0;
        }
        check(result, "cuMemAlloc(" + bytes + ")");
        blocks.put(pointer.address(), pointer);
        return pointer.address();
    }

    @Override
    public void free(long address) {
        DevicePointer pointer = blocks.remove(address);
        if (pointer == null) {
            throw new IllegalStateException("device block 0x" + Long.toHexString(address) + " is not the driver's");
        }
        makeCurrent();
        // A cached block may still be read by work queued before it was freed; the driver frees only idle memory.
        synchronize();
        check(JCudaDriver.cuMemFree(pointer), "cuMemFree");
    }

    @Override
    public long freeBytes() {
        // cuMemGetInfo reports on the current context's device: without this, another GPU's numbers.
        makeCurrent();
        long[] free = new long[1];
        long[] total = new long[1];
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return free[0];
    }

    @Override
    public void close() {
        makeCurrent();
        check(JCudaDriver.cuStreamSynchronize(stream), "cuStreamSynchronize");
        check(JCudaDriver.cuStreamSynchronize(copyStream), "cuStreamSynchronize");
        check(JCudaDriver.cuStreamDestroy(copyStream), "cuStreamDestroy");
        check(JCudaDriver.cuStreamDestroy(stream), "cuStreamDestroy");
        check(JCudaDriver.cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease");
    }
}
