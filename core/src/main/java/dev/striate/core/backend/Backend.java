package dev.striate.core.backend;

import dev.striate.core.op.Op;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.List;
import java.util.Set;

/**
 * Where tensors live and ops run. A backend owns its memory, copies to and from the host, and provides one
 * {@link Kernel} per op class plus the elementwise kernels the training loop needs (zeroing, gradient norms,
 * optimizer updates), so that no arithmetic over a tensor's elements happens outside a backend.
 * Found through {@link BackendProvider} and {@link java.util.ServiceLoader}.
 */
public interface Backend extends AutoCloseable {
    /** Short name: {@code cpu}, {@code cuda}. */
    String name();

    /** One line for logs: the device and its precision. */
    String description();

    /** A new zero-filled tensor. */
    Tensor allocate(Shape shape, DType dtype);

    /** Gives a tensor's memory back; the tensor must not be used afterwards. */
    void release(Tensor tensor);

    void write(Tensor destination, double[] values);

    void write(Tensor destination, float[] values);

    void write(Tensor destination, int[] values);

    double[] read(Tensor source);

    void copy(Tensor source, Tensor destination);

    void fill(Tensor tensor, double value);

    /** The kernel for an op class; throws {@link MissingKernelException} naming the op and this backend. */
    <O extends Op> Kernel<O> kernel(Class<O> opClass);

    /** The op classes this backend has kernels for. */
    Set<Class<? extends Op>> kernelOps();

    /** Σ x² over the tensor's elements (gradient clipping by global norm). */
    double sumOfSquares(Tensor tensor);

    /** x ← factor·x. */
    void scale(Tensor tensor, double factor);

    /**
     * One optimizer step for one parameter: updates {@code param} from {@code grad} and the rule's
     * {@code state} tensors (moments), as documented on each {@link UpdateRule}. {@code step} counts from 1.
     */
    void applyUpdate(UpdateRule rule, double learningRate, long step, Tensor param, Tensor grad, List<Tensor> state);

    /** The indices of the k largest values of each row of [N, K] scores, largest first: [N·k] row-major. */
    int[] topK(Tensor scores, int k);

    /** Waits for queued work; a no-op where work runs synchronously. */
    default void synchronize() {
    }

    @Override
    default void close() {
    }
}
