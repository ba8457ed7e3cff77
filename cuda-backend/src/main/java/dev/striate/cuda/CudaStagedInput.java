package dev.striate.cuda;

import static dev.striate.cuda.device.CudaException.check;

import dev.striate.core.backend.StagedInput;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.device.CudaDevice;
import dev.striate.cuda.device.DevicePointer;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jcuda.Pointer;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/**
 * A graph input with two device buffers: the next batch is copied into the spare one on the device's copy stream,
 * from page-locked host memory, while the compute stream still reads the current one. Two events order the streams
 * without the host: the copy waits for {@code spareReleased}, recorded on the compute stream when the spare stopped
 * being current (so it never overwrites values a queued step still reads), and the compute stream waits for
 * {@code copied}, recorded after the copy, before the forward that reads it. The host waits for {@code copied} only
 * before the loader refills the source ({@link #awaitSourcesRead}).
 */
final class CudaStagedInput implements StagedInput {
    /** The device buffers each input holds: the current one and the spare. */
    static final int COPIES = 2;
    private static final long PAGE = 4096;

    private final DeviceContext context;
    private final CudaDevice device;
    private final CUevent spareReleased = new CUevent();
    private final CUevent copied = new CUevent();
    private Tensor current;
    private Tensor spare;
    private boolean staged;
    private boolean copyUnawaited;
    /** Page-locked memory the labels are copied through, made at the first integer stage. */
    private Arena labelArena;
    private MemorySegment labelMemory;

    CudaStagedInput(DeviceContext context, Shape shape, DType dtype) {
        this.context = context;
        this.device = context.device();
        this.current = context.allocate(shape, dtype);
        this.spare = context.allocate(shape, dtype);
        device.makeCurrent();
        check(JCudaDriver.cuEventCreate(spareReleased, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
        check(JCudaDriver.cuEventCreate(copied, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
        // The spare's zero fill is queued on the compute stream: the first copy into it comes after.
        check(JCudaDriver.cuEventRecord(spareReleased, device.stream()), "cuEventRecord");
    }

    @Override
    public Tensor current() {
        return current;
    }

    @Override
    public void stage(MemorySegment floats) {
        if (!floats.isNative()) {
            // A heap segment's address() is an offset into its array: the driver cannot page-lock it.
            throw new IllegalArgumentException("a staged batch must be off the Java heap, as a Batch's images are;"
                    + " feed heap memory instead");
        }
        requireType(DType.F32, floats.byteSize());
        copyIntoSpare(context.registrations().pin(floats), floats.byteSize());
    }

    @Override
    public void stage(int[] values) {
        long bytes = (long) values.length * Integer.BYTES;
        requireType(DType.I32, bytes);
        // The previous labels may still be on their way out of this memory.
        awaitSourcesRead();
        if (labelMemory == null) {
            labelArena = Arena.ofShared();
            labelMemory = labelArena.allocate((bytes + PAGE - 1) / PAGE * PAGE, PAGE);
        }
        MemorySegment.copy(values, 0, labelMemory, ValueLayout.JAVA_INT, 0, values.length);
        copyIntoSpare(context.registrations().pin(labelMemory), bytes);
    }

    private void requireType(DType dtype, long bytes) {
        if (spare.dtype() != dtype || bytes != spare.size() * dtype.bytes()) {
            throw new IllegalArgumentException("a staged " + spare.dtype() + " input of " + spare.size()
                    + " elements cannot take " + bytes + " bytes of " + dtype);
        }
    }

    private void copyIntoSpare(Pointer source, long bytes) {
        device.makeCurrent();
        check(JCudaDriver.cuStreamWaitEvent(device.copyStream(), spareReleased, 0), "cuStreamWaitEvent");
        check(JCudaDriver.cuMemcpyHtoDAsync(DevicePointer.at(context.address(spare)), source, bytes,
                device.copyStream()), "cuMemcpyHtoDAsync");
        check(JCudaDriver.cuEventRecord(copied, device.copyStream()), "cuEventRecord");
        staged = true;
        copyUnawaited = true;
    }

    @Override
    public boolean advance() {
        if (!staged) {
            return false;
        }
        device.makeCurrent();
        Tensor released = current;
        current = spare;
        spare = released;
        check(JCudaDriver.cuEventRecord(spareReleased, device.stream()), "cuEventRecord");
        check(JCudaDriver.cuStreamWaitEvent(device.stream(), copied, 0), "cuStreamWaitEvent");
        staged = false;
        return true;
    }

    @Override
    public void discard() {
        staged = false;
    }

    @Override
    public void awaitSourcesRead() {
        if (copyUnawaited) {
            device.makeCurrent();
            check(JCudaDriver.cuEventSynchronize(copied), "cuEventSynchronize");
            copyUnawaited = false;
        }
    }

    @Override
    public void close() {
        awaitSourcesRead();
        if (labelMemory != null) {
            context.registrations().unpin(labelMemory);
            labelArena.close();
        }
        context.release(current);
        context.release(spare);
        check(JCudaDriver.cuEventDestroy(spareReleased), "cuEventDestroy");
        check(JCudaDriver.cuEventDestroy(copied), "cuEventDestroy");
    }
}
