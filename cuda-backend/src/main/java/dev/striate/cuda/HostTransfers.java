package dev.striate.cuda;

import static dev.striate.cuda.device.CudaException.check;

import dev.striate.core.io.HalfPrecision;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.device.DevicePointer;
import dev.striate.cuda.device.HostPointer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA backend's copies between the host's arrays and its tensors, on the compute stream: writes convert to the
 * tensor's stored type (bf16 rounded to nearest even, once, from the double), reads widen to doubles and wait for the
 * stream (several results with one wait). The host's arrays are in NCHW order; a channels-last tensor
 * ({@link CudaContext#layoutOf}) is reordered on the way.
 */
final class HostTransfers {
    private final DeviceContext context;

    HostTransfers(DeviceContext context) {
        this.context = context;
    }

    void write(Tensor destination, double[] values) {
        requireLength(destination, values.length);
        switch (DeviceContext.buffer(destination).dtype()) {
            case F32 -> {
                float[] floats = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    floats[i] = (float) values[i];
                }
                upload(destination, Pointer.to(floats));
            }
            case BF16 -> {
                double[] ordered = context.layoutOf(destination).toMemoryOrder(destination.shape(), values);
                short[] halves = new short[ordered.length];
                for (int i = 0; i < ordered.length; i++) {
                    halves[i] = HalfPrecision.toBf16Bits(ordered[i]);
                }
                upload(destination, Pointer.to(halves));
            }
            case F64 -> upload(destination, Pointer.to(values));
            case I32 -> {
                int[] ints = new int[values.length];
                for (int i = 0; i < values.length; i++) {
                    ints[i] = (int) Math.rint(values[i]);
                }
                upload(destination, Pointer.to(ints));
            }
            case I64 -> {
                long[] longs = new long[values.length];
                for (int i = 0; i < values.length; i++) {
                    longs[i] = Math.round(values[i]);
                }
                upload(destination, Pointer.to(longs));
            }
            default -> throw CudaBackend.unsupported(destination, "write");
        }
    }

    void write(Tensor destination, float[] values) {
        requireLength(destination, values.length);
        if (DeviceContext.buffer(destination).dtype() == DType.F32) {
            upload(destination, Pointer.to(values));
        } else {
            double[] wide = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                wide[i] = values[i];
            }
            write(destination, wide);
        }
    }

    void write(Tensor destination, int[] values) {
        requireLength(destination, values.length);
        if (DeviceContext.buffer(destination).dtype() == DType.I32) {
            upload(destination, Pointer.to(values));
        } else {
            write(destination, Arrays.stream(values).asDoubleStream().toArray());
        }
    }

    private void upload(Tensor destination, Pointer host) {
        context.device().makeCurrent();
        CudaBuffer buffer = DeviceContext.buffer(destination);
        // From pageable host memory the copy is staged before the call returns, so the array may change afterwards.
        check(JCudaDriver.cuMemcpyHtoDAsync(DevicePointer.at(buffer.address()), host,
                destination.size() * buffer.dtype().bytes(), context.stream()), "cuMemcpyHtoDAsync");
    }

    /**
     * Copies the tensor into a heap array on the compute stream, waits, and widens its values ({@link #hostValues}).
     * Pageable memory, not {@link #read(List)}'s page-locked buffer, which would stay as large as the largest read
     * (a whole weight when a checkpoint is written).
     */
    double[] read(Tensor source) {
        context.device().makeCurrent();
        long bytes = source.size() * DeviceContext.buffer(source).dtype().bytes();
        // A long array: its segment is aligned for every element type hostValues reads.
        long[] host = new long[Math.toIntExact((bytes + Long.BYTES - 1) / Long.BYTES)];
        check(JCudaDriver.cuMemcpyDtoHAsync(Pointer.to(host), DevicePointer.at(context.address(source)), bytes,
                context.stream()), "cuMemcpyDtoHAsync");
        context.device().synchronize();
        return logicalValues(source, MemorySegment.ofArray(host));
    }

    /**
     * Queues a copy of every source into page-locked host memory on the compute stream and waits once: a training
     * step's loss, gradient norm and predictions cost one synchronization.
     */
    List<double[]> read(List<Tensor> sources) {
        context.device().makeCurrent();
        long[] offsets = new long[sources.size()];
        long total = 0;
        for (int i = 0; i < sources.size(); i++) {
            offsets[i] = total;
            // Each result starts 8-byte aligned, so that doubles and longs are read at their natural alignment.
            total += (DeviceContext.buffer(sources.get(i)).bytes() + Long.BYTES - 1) / Long.BYTES * Long.BYTES;
        }
        MemorySegment host = context.readback(total);
        for (int i = 0; i < sources.size(); i++) {
            Tensor source = sources.get(i);
            long bytes = source.size() * DeviceContext.buffer(source).dtype().bytes();
            check(JCudaDriver.cuMemcpyDtoHAsync(HostPointer.at(host.address() + offsets[i]),
                    DevicePointer.at(context.address(source)), bytes, context.stream()), "cuMemcpyDtoHAsync");
        }
        context.device().synchronize();
        List<double[]> values = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            values.add(logicalValues(sources.get(i), host.asSlice(offsets[i])));
        }
        return values;
    }

    /** {@link #hostValues} in NCHW order. */
    private double[] logicalValues(Tensor tensor, MemorySegment host) {
        return context.layoutOf(tensor).toLogicalOrder(tensor.shape(), hostValues(tensor, host));
    }

    /** A tensor's values copied into host memory (native byte order), widened to doubles, in memory order. */
    private static double[] hostValues(Tensor tensor, MemorySegment host) {
        int n = Math.toIntExact(tensor.size());
        DType type = DeviceContext.buffer(tensor).dtype();
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (type) {
                case F32 -> host.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                case BF16 -> HalfPrecision.fromBf16Bits(host.getAtIndex(ValueLayout.JAVA_SHORT, i));
                case F64 -> host.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                case I32 -> host.getAtIndex(ValueLayout.JAVA_INT, i);
                case I64 -> host.getAtIndex(ValueLayout.JAVA_LONG, i);
                default -> throw CudaBackend.unsupported(tensor, "read");
            };
        }
        return values;
    }

    private static void requireLength(Tensor tensor, int length) {
        if (tensor.size() != length) {
            throw new IllegalArgumentException("tensor " + tensor.shape() + " has " + tensor.size() + " elements, got "
                    + length);
        }
    }
}
