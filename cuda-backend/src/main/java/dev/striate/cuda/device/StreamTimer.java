package dev.striate.cuda.device;

import static dev.striate.cuda.device.CudaException.check;

import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;

/** Times work on the stream with two CUDA events: what the GPU spent, not what the host waited. */
public final class StreamTimer implements AutoCloseable {
    private final CudaDevice device;
    private final StreamHandle stream;
    private final CUevent start = new CUevent();
    private final CUevent stop = new CUevent();

    public StreamTimer(CudaDevice device) {
        this.device = device;
        this.stream = device.stream();
        device.makeCurrent();
        check(JCudaDriver.cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
        check(JCudaDriver.cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
    }

    public void start() {
        device.makeCurrent();
        check(JCudaDriver.cuEventRecord(start, stream), "cuEventRecord");
    }

    /** Milliseconds between {@link #start} and now on the stream; waits for the stream to get here. */
    public float stopMilliseconds() {
        device.makeCurrent();
        check(JCudaDriver.cuEventRecord(stop, stream), "cuEventRecord");
        check(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize");
        float[] milliseconds = new float[1];
        check(JCudaDriver.cuEventElapsedTime(milliseconds, start, stop), "cuEventElapsedTime");
        return milliseconds[0];
    }

    @Override
    public void close() {
        device.makeCurrent();
        check(JCudaDriver.cuEventDestroy(start), "cuEventDestroy");
        check(JCudaDriver.cuEventDestroy(stop), "cuEventDestroy");
    }
}
