package dev.striate.cpu;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.KernelDirectory;
import dev.striate.core.backend.MemoryUse;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.op.Op;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The reference backend: every tensor is a double array and every kernel a plain loop written to be read against
 * its formula. Values are rounded to the tensor's dtype only for integer types. It is the truth other backends are
 * compared with, and the backend CI trains on.
 */
public final class CpuBackend implements Backend {
    public static final String NAME = "cpu";
    private final KernelDirectory kernels =
            new KernelDirectory(NAME, "dev.striate.cpu.kernel", CpuBackend.class.getClassLoader());
    /** The bytes of the tensors allocated and not yet released, and their most since the last reset. */
    private long bytesInUse;
    private long peakBytesInUse;

    /** The elements of a tensor of this backend. */
    public static double[] data(Tensor tensor) {
        if (!(tensor.buffer() instanceof CpuBuffer buffer)) {
            throw new IllegalArgumentException("tensor belongs to backend '" + tensor.buffer().backendName()
                    + "', not '" + NAME + "'");
        }
        return buffer.data();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "cpu reference (float64, " + Runtime.getRuntime().availableProcessors() + " cores)";
    }

    /** Tensors are double arrays on the JVM's heap. */
    @Override
    public long memoryCapacity() {
        return Runtime.getRuntime().maxMemory();
    }

    @Override
    public int bytesPerValue() {
        return Double.BYTES;
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype, TensorRole role) {
        Tensor tensor = new Tensor(shape, dtype, new CpuBuffer(new double[Math.toIntExact(shape.size())]));
        count(bytesOf(tensor));
        return tensor;
    }

    @Override
    public void release(Tensor tensor) {
        count(-bytesOf(tensor));
    }

    private static long bytesOf(Tensor tensor) {
        return (long) data(tensor).length * Double.BYTES;
    }

    private synchronized void count(long bytes) {
        bytesInUse += bytes;
        peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
    }

    /** Counts the double arrays of live tensors: the JVM's own accounting would include garbage not yet collected. */
    @Override
    public synchronized Optional<MemoryUse> memoryUse() {
        return Optional.of(new MemoryUse(bytesInUse, peakBytesInUse));
    }

    @Override
    public synchronized void resetPeakMemory() {
        peakBytesInUse = bytesInUse;
    }

    @Override
    public void write(Tensor destination, double[] values) {
        double[] d = data(destination);
        requireLength(destination, values.length);
        System.arraycopy(values, 0, d, 0, values.length);
    }

    @Override
    public void write(Tensor destination, float[] values) {
        double[] d = data(destination);
        requireLength(destination, values.length);
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
    }

    @Override
    public void write(Tensor destination, int[] values) {
        double[] d = data(destination);
        requireLength(destination, values.length);
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
    }

    private static void requireLength(Tensor t, int length) {
        if (t.size() != length) {
            throw new IllegalArgumentException("tensor " + t.shape() + " has " + t.size() + " elements, got "
                    + length);
        }
    }

    @Override
    public double[] read(Tensor source) {
        return data(source).clone();
    }

    @Override
    public void fill(Tensor tensor, double value) {
        Arrays.fill(data(tensor), value);
    }

    @Override
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        return kernels.kernel(opClass);
    }

    @Override
    public Set<Class<? extends Op>> kernelOps() {
        return kernels.ops();
    }

    @Override
    public double sumOfSquares(Tensor tensor) {
        double sum = 0;
        for (double x : data(tensor)) {
            sum += x * x;
        }
        return sum;
    }

    @Override
    public void scale(Tensor tensor, double factor) {
        double[] d = data(tensor);
        for (int i = 0; i < d.length; i++) {
            d[i] *= factor;
        }
    }

    @Override
    public void applyUpdate(UpdateRule rule, double learningRate, long step, Tensor param, Tensor grad,
                            List<Tensor> state) {
        CpuOptimizerKernels.apply(rule, learningRate, step, data(param), data(grad),
                state.stream().map(CpuBackend::data).toList());
    }

    @Override
    public int[] topK(Tensor scores, int k) {
        double[] s = data(scores);
        int rows = scores.shape().dim(0);
        int cols = scores.shape().dim(1);
        int kept = Math.min(k, cols);
        int[] result = new int[rows * kept];
        for (int r = 0; r < rows; r++) {
            boolean[] taken = new boolean[cols];
            for (int j = 0; j < kept; j++) {
                int best = -1;
                for (int c = 0; c < cols; c++) {
                    if (!taken[c] && (best < 0 || s[r * cols + c] > s[r * cols + best])) {
                        best = c;
                    }
                }
                taken[best] = true;
                result[r * kept + j] = best;
            }
        }
        return result;
    }
}
