package dev.striate.core.backend;

import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.exec.PlannedExecutor;
import dev.striate.core.exec.ReferenceExecutor;
import dev.striate.core.graph.Graph;
import dev.striate.core.op.Op;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.List;
import java.util.Optional;
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

    /**
     * A new zero-filled tensor; the role lets a backend choose where and in which precision it lives. Gradients must
     * come from here: executors add into them from their first use.
     */
    Tensor allocate(Shape shape, DType dtype, TensorRole role);

    /**
     * A new tensor whose contents are undefined until written, for a caller that overwrites every element before
     * reading any: a node's output, which its forward kernel writes whole (executors allocate every forward output
     * here, so a kernel must never read its output before writing it). A GPU backend skips the fill, which for a
     * planned step is a memset of every activation. The default is {@link #allocate}: zeros are one undefined content.
     */
    default Tensor allocateUninitialized(Shape shape, DType dtype, TensorRole role) {
        return allocate(shape, dtype, role);
    }

    /**
     * The element type this backend keeps a graph value in, given the type the graph declares for it and the op that
     * makes it ({@code null} for a graph input); the value's gradient has the same type. Executors allocate values and
     * gradients in it and kernels see it in their {@link NodeSignature}. The declared type by default; a mixed-precision
     * backend keeps float activations in bf16 while parameters, optimizer state and the loss stay fp32.
     */
    default DType storedType(DType declared, Op producer) {
        return declared;
    }

    /**
     * Queues {@code destination} ← {@code source}, each element converted to the destination's type (the same shape):
     * a graph input fed as fp32 becomes the bf16 value its first node reads. By default through the host.
     */
    default void convert(Tensor source, Tensor destination) {
        write(destination, read(source));
    }

    /** Gives a tensor's memory back; the tensor must not be used afterwards. */
    void release(Tensor tensor);

    void write(Tensor destination, double[] values);

    void write(Tensor destination, float[] values);

    void write(Tensor destination, int[] values);

    double[] read(Tensor source);

    void fill(Tensor tensor, double value);

    /**
     * Every tensor set to 0: the parameter gradients before each step's backward, so that a GPU can clear them all in
     * one launch. By default one {@link #fill} each.
     */
    default void zero(List<Tensor> tensors) {
        for (Tensor tensor : tensors) {
            fill(tensor, 0);
        }
    }

    /** The kernel for an op class; throws {@link MissingKernelException} naming the op and this backend. */
    <O extends Op> Kernel<O> kernel(Class<O> opClass);

    /** The op classes this backend has kernels for. */
    Set<Class<? extends Op>> kernelOps();

    /** Σ x² over the tensor's elements (gradient clipping by global norm). */
    double sumOfSquares(Tensor tensor);

    /** Σ x² over all the tensors' elements: one call per step, so that a GPU reads one number back, not one per tensor. */
    default double sumOfSquares(List<Tensor> tensors) {
        double sum = 0;
        for (Tensor tensor : tensors) {
            sum += sumOfSquares(tensor);
        }
        return sum;
    }

    /**
     * Queues Σ x² over all the tensors' elements into {@code total}, a one-element F64 tensor, without reading it: a
     * training step reads it together with its other results ({@link #read(List)}). By default computed now.
     */
    default void sumOfSquares(List<Tensor> tensors, Tensor total) {
        write(total, new double[] {sumOfSquares(tensors)});
    }

    /** x ← factor·x. */
    void scale(Tensor tensor, double factor);

    /**
     * One optimizer step for one parameter: updates {@code param} from {@code grad} and the rule's
     * {@code state} tensors (moments), as documented on each {@link UpdateRule}. {@code step} counts from 1.
     */
    void applyUpdate(UpdateRule rule, double learningRate, long step, Tensor param, Tensor grad, List<Tensor> state);

    /** One optimizer step for every parameter, so that a GPU can do it in one launch; by default one call each. */
    default void applyUpdates(double learningRate, long step, List<ParameterUpdate> updates) {
        for (ParameterUpdate update : updates) {
            applyUpdate(update.rule(), learningRate, step, update.param(), update.grad(), update.state());
        }
    }

    /** The indices of the k largest values of each row of [N, K] scores, largest first: [N·k] row-major. */
    int[] topK(Tensor scores, int k);

    /** Queues {@link #topK(Tensor, int)} into {@code indices}, an I32 tensor of [N·k], without reading it. */
    default void topK(Tensor scores, int k, Tensor indices) {
        write(indices, topK(scores, k));
    }

    /**
     * Reads several tensors after one wait for the queued work (a GPU queues every copy, then synchronizes once), so
     * that a training step waits for the device once.
     */
    default List<double[]> read(List<Tensor> sources) {
        return sources.stream().map(this::read).toList();
    }

    /**
     * A graph input that takes the next batch while queued work still reads the current one ({@link StagedInput}).
     * By default one tensor written when staged, which is right for a backend whose writes are done when they return
     * or queue behind the work already queued; a GPU backend copies into a second buffer on its own stream.
     */
    default StagedInput stagedInput(Shape shape, DType dtype) {
        return new SynchronousStagedInput(this, shape, dtype);
    }

    /**
     * How many copies of each graph input a {@link #stagedInput} holds: one by default, two on a GPU that copies the
     * next batch into a spare while the current one is read. The memory estimate counts every copy.
     */
    default int stagedInputCopies() {
        return 1;
    }

    /**
     * Prepares a graph to run on this backend with the given parameters (which must live here). The default is the
     * plain {@link ReferenceExecutor}; a GPU backend returns its own, planning memory, fusing nodes or capturing steps
     * behind the same interface.
     */
    default Executor compile(Graph graph, ParameterStore parameters) {
        return new ReferenceExecutor(graph, this, parameters);
    }

    /**
     * Prepares a graph for a caller that runs it in steps as {@code request} says and reads only the values it keeps
     * (training, evaluation, prediction). The default is a {@link PlannedExecutor}, which frees each value and gradient
     * after its last use, so a step holds about half of what {@link ReferenceExecutor} holds.
     */
    default Executor compile(Graph graph, ParameterStore parameters, PlanRequest request) {
        return new PlannedExecutor(graph, this, parameters, request);
    }

    /**
     * The bytes this backend can hold in tensors, for the estimate made before a model is allocated (the JVM's heap
     * for a backend that keeps tensors there, the device's memory for a GPU); Long.MAX_VALUE when it cannot tell.
     */
    default long memoryCapacity() {
        return Long.MAX_VALUE;
    }

    /**
     * The bytes held in this backend's tensors now, and the most since {@link #resetPeakMemory()} (or since it was
     * opened); empty where the backend cannot tell.
     */
    default Optional<MemoryUse> memoryUse() {
        return Optional.empty();
    }

    /** Starts the peak of {@link #memoryUse()} again from the bytes in use now. */
    default void resetPeakMemory() {
    }

    /** The bytes one stored value of a float tensor takes (8 for a float64 reference, 4 for fp32). */
    default int bytesPerValue() {
        return Float.BYTES;
    }

    /**
     * The bytes one stored value of a float activation or activation gradient takes: {@link #bytesPerValue()} unless
     * the backend narrows them ({@link #storedType}: 2 for bf16 work).
     */
    default int activationBytesPerValue() {
        return bytesPerValue();
    }

    /** Waits for queued work; a no-op where work runs synchronously. */
    default void synchronize() {
    }

    @Override
    default void close() {
    }
}
