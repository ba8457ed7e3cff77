package dev.striate.cpu.check;

import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The reference backend with memory that shows misuse: {@code release} fills the tensor with NaN, so anything that
 * reads it afterwards poisons a result, and a tensor released twice (or never allocated here) fails at once. It
 * counts the tensors alive and the most values alive at once, so a test sees what an executor leaks and holds.
 * {@code allocate} keeps the backend's zero-fill contract; {@code allocateUninitialized} hands out NaN, so a forward
 * kernel that reads its output before writing it (adds into it, say) poisons every result after it. Made
 * {@link #writingFreshGradients}, every kernel writes a gradient marked fresh whole ({@link FreshWritingKernel}), so
 * an executor may hand gradients over uninitialized too.
 */
public final class PoisoningCpuBackend extends WrappedCpuBackend {
    private final Set<Tensor> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final boolean freshWriting;
    private long allocations;
    private long uninitializedAllocations;
    private long uninitializedGradients;

    /** Kernels that always add into gradients (the reference's). */
    public PoisoningCpuBackend() {
        this(false);
    }

    private PoisoningCpuBackend(boolean freshWriting) {
        this.freshWriting = freshWriting;
    }

    /** Kernels that write a gradient the executor marks fresh instead of adding into it. */
    public static PoisoningCpuBackend writingFreshGradients() {
        return new PoisoningCpuBackend(true);
    }
    private long liveValues;
    private long peakLiveValues;

    @Override
    public String name() {
        return "poisoning";
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype, TensorRole role) {
        Tensor tensor = super.allocate(shape, dtype, role);
        live.add(tensor);
        allocations++;
        liveValues += tensor.size();
        peakLiveValues = Math.max(peakLiveValues, liveValues);
        return tensor;
    }

    @Override
    public Tensor allocateUninitialized(Shape shape, DType dtype, TensorRole role) {
        Tensor tensor = allocate(shape, dtype, role);
        delegate.fill(tensor, Double.NaN);
        uninitializedAllocations++;
        if (role == TensorRole.ACTIVATION_GRADIENT) {
            uninitializedGradients++;
        }
        return tensor;
    }

    @Override
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        Kernel<O> reference = super.kernel(opClass);
        return freshWriting ? new FreshWritingKernel<>(reference, delegate) : reference;
    }

    @Override
    public void release(Tensor tensor) {
        if (!live.remove(tensor)) {
            throw new AssertionError("released a tensor that is not alive: " + tensor.shape());
        }
        liveValues -= tensor.size();
        delegate.fill(tensor, Double.NaN);
        super.release(tensor);
    }

    /** Tensors allocated and not yet released. */
    public int liveTensors() {
        return live.size();
    }

    /** The most values (elements) alive at once so far. */
    public long peakLiveValues() {
        return peakLiveValues;
    }

    /** Tensors allocated so far with {@link #allocateUninitialized} (NaN-filled). */
    public long uninitializedAllocations() {
        return uninitializedAllocations;
    }

    /** Of those, the activation gradients (handed over fresh to the kernel that writes them first). */
    public long uninitializedGradients() {
        return uninitializedGradients;
    }

    /** Tensors allocated so far. */
    public long allocations() {
        return allocations;
    }
}
