package dev.striate.cuda;

import static dev.striate.cuda.device.CudaException.check;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.KernelDirectory;
import dev.striate.core.backend.MemoryUse;
import dev.striate.core.backend.ParameterUpdate;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.StagedInput;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.exec.PlannedExecutor;
import dev.striate.core.graph.Graph;
import dev.striate.core.io.HalfPrecision;
import dev.striate.core.op.Op;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.device.CudaDevice;
import dev.striate.cuda.device.DevicePointer;
import dev.striate.cuda.device.StreamTimer;
import dev.striate.cuda.doctor.CudaDiagnosis;
import dev.striate.cuda.memory.MemoryStatistics;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import jcuda.driver.JCudaDriver;

/**
 * Tensors in GPU memory, ops through cuDNN, cuBLAS and NVRTC kernels ({@code dev.striate.cuda.kernel}), all queued on
 * one stream; the next batch's input is copied on a second one ({@link CudaStagedInput}). Tensors keep their element
 * type on the device (F32 for fp32 and tf32 work, BF16 activations in bf16 work beside F32 parameters, I32 labels);
 * reads and writes convert from and to the host's arrays and wait for the stream.
 */
public final class CudaBackend implements Backend {
    public static final String NAME = "cuda";

    private final DeviceContext context;
    private final BackendKernels kernels;
    private final KernelDirectory directory;
    private final HostTransfers transfers;
    private final CudaSettings settings;

    CudaBackend(Precision precision, CudaSettings settings, CudaDevice device, CudaDiagnosis libraries,
                Path cacheFolder) {
        this.settings = settings;
        this.context = new DeviceContext(precision, settings.layout(), settings.depthwise(), device, libraries,
                cacheFolder);
        this.kernels = new BackendKernels(context);
        this.transfers = new HostTransfers(context);
        this.directory = new KernelDirectory(NAME, "dev.striate.cuda.kernel", CudaBackend.class.getClassLoader(),
                CudaContext.class, context);
    }

    /** The context every kernel of this backend was made with. */
    public CudaContext context() {
        return context;
    }

    /** The caching allocator's counters (the memory check reads them every step). */
    public MemoryStatistics memory() {
        return context.allocator().statistics();
    }

    /** Blocks handed out by the caching allocator (whole size classes), as PyTorch's max_memory_allocated counts. */
    @Override
    public Optional<MemoryUse> memoryUse() {
        MemoryStatistics statistics = memory();
        return Optional.of(new MemoryUse(statistics.bytesInUse(), statistics.peakBytesInUse()));
    }

    @Override
    public void resetPeakMemory() {
        context.allocator().resetPeak();
    }

    /** A timer of work on this backend's stream (CUDA events); close it when done. */
    public StreamTimer timer() {
        context.device().makeCurrent();
        return new StreamTimer(context.device());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        CudaDevice device = context.device();
        return String.format(Locale.ROOT, "cuda:%d %s (sm_%d%d, %.1f GiB), %s%s", device.index(), device.name(),
                device.computeMajor(), device.computeMinor(), device.totalMemory() / (double) (1L << 30),
                context.precision().flagValue(), context.layout() == ActivationLayout.NHWC ? ", channels-last" : "")
                + settings.described();
    }

    /** A planned executor, as the default, on the graph fused by {@link NodeFusion} (unless it is off). */
    @Override
    public Executor compile(Graph graph, ParameterStore parameters, PlanRequest request) {
        return new PlannedExecutor(settings.fusion().apply(graph, request), this, parameters, request);
    }

    /** The device's whole memory: a model that needs more is refused before anything is allocated. */
    @Override
    public long memoryCapacity() {
        return context.device().totalMemory();
    }

    /**
     * In bf16 work every float value is stored as bf16 (graph inputs too, converted on the device each forward),
     * except the loss, which stays fp32 as under PyTorch's autocast; parameters, their gradients and optimizer state
     * are not graph values and stay fp32. In fp32 and tf32 work, the declared type.
     */
    @Override
    public DType storedType(DType declared, Op producer) {
        return storedType(context.precision(), declared, producer);
    }

    static DType storedType(Precision precision, DType declared, Op producer) {
        boolean narrowed = precision == Precision.BF16 && declared == DType.F32
                && !(producer instanceof SoftmaxCrossEntropy);
        return narrowed ? DType.BF16 : declared;
    }

    /** 2 in bf16 work, where float activations and their gradients are bf16 ({@link #storedType}); else 4. */
    @Override
    public int activationBytesPerValue() {
        return storedType(DType.F32, null).bytes();
    }

    /** On the device, in stream order: F32 to BF16 (rounded to nearest even) or BF16 to F32 (exact). */
    @Override
    public void convert(Tensor source, Tensor destination) {
        context.device().makeCurrent();
        kernels.convert(source, destination);
    }

    @Override
    public Tensor allocate(Shape shape, DType dtype, TensorRole role) {
        return context.allocate(shape, dtype);
    }

    /** No memset: with planning every activation of every step comes from here. */
    @Override
    public Tensor allocateUninitialized(Shape shape, DType dtype, TensorRole role) {
        return context.allocateUninitialized(shape, dtype);
    }

    @Override
    public void release(Tensor tensor) {
        context.release(tensor);
    }

    @Override
    public void write(Tensor destination, double[] values) {
        transfers.write(destination, values);
    }

    @Override
    public void write(Tensor destination, float[] values) {
        transfers.write(destination, values);
    }

    @Override
    public void write(Tensor destination, int[] values) {
        transfers.write(destination, values);
    }

    @Override
    public double[] read(Tensor source) {
        return transfers.read(source);
    }

    /**
     * Queues a copy of every source into page-locked host memory on the compute stream and waits once: a training
     * step's loss, gradient norm and predictions cost one synchronization.
     */
    @Override
    public List<double[]> read(List<Tensor> sources) {
        return transfers.read(sources);
    }

    @Override
    public void fill(Tensor tensor, double value) {
        context.device().makeCurrent();
        CudaBuffer buffer = DeviceContext.buffer(tensor);
        DevicePointer pointer = DevicePointer.at(buffer.address());
        switch (buffer.dtype()) {
            case F32 -> check(JCudaDriver.cuMemsetD32Async(pointer, Float.floatToRawIntBits((float) value),
                    tensor.size(), context.stream()), "cuMemsetD32Async");
            case BF16 -> check(JCudaDriver.cuMemsetD16Async(pointer, HalfPrecision.toBf16Bits(value),
                    tensor.size(), context.stream()), "cuMemsetD16Async");
            case I32 -> check(JCudaDriver.cuMemsetD32Async(pointer, (int) Math.rint(value), tensor.size(),
                    context.stream()), "cuMemsetD32Async");
            case I64 -> context.launch(context.function("elementwise", "fill_i64"), fillBlocks(tensor), 256, tensor,
                    tensor.size(), Math.round(value));
            case F64 -> context.launch(context.function("elementwise", "fill_i64"), fillBlocks(tensor), 256, tensor,
                    tensor.size(), Double.doubleToRawLongBits(value));
            default -> throw unsupported(tensor, "fill");
        }
    }

    /** One launch over a table of them all (optimizer.cu's zero_gradients), F32 tensors only. */
    @Override
    public void zero(List<Tensor> tensors) {
        context.device().makeCurrent();
        kernels.zero(tensors);
    }

    private static int fillBlocks(Tensor tensor) {
        return (int) Math.max(1, Math.min(4096, (tensor.size() + 255) / 256));
    }

    @Override
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        return directory.kernel(opClass);
    }

    @Override
    public Set<Class<? extends Op>> kernelOps() {
        return directory.ops();
    }

    @Override
    public double sumOfSquares(Tensor tensor) {
        return sumOfSquares(List.of(tensor));
    }

    @Override
    public double sumOfSquares(List<Tensor> tensors) {
        context.device().makeCurrent();
        return kernels.sumOfSquares(tensors);
    }

    @Override
    public void sumOfSquares(List<Tensor> tensors, Tensor total) {
        context.device().makeCurrent();
        kernels.sumOfSquares(tensors, total);
    }

    @Override
    public void scale(Tensor tensor, double factor) {
        context.device().makeCurrent();
        kernels.scale(tensor, factor);
    }

    @Override
    public void applyUpdate(UpdateRule rule, double learningRate, long step, Tensor param, Tensor grad,
                            List<Tensor> state) {
        applyUpdates(learningRate, step, List.of(new ParameterUpdate(rule, param, grad, state)));
    }

    @Override
    public void applyUpdates(double learningRate, long step, List<ParameterUpdate> updates) {
        context.device().makeCurrent();
        kernels.applyUpdates(learningRate, step, updates);
    }

    @Override
    public int[] topK(Tensor scores, int k) {
        context.device().makeCurrent();
        return kernels.topK(scores, k);
    }

    @Override
    public void topK(Tensor scores, int k, Tensor indices) {
        context.device().makeCurrent();
        kernels.topK(scores, k, indices);
    }

    /** Two device buffers, the next batch copied into the spare on the copy stream: see {@link CudaStagedInput}. */
    @Override
    public StagedInput stagedInput(Shape shape, DType dtype) {
        return new CudaStagedInput(context, shape, dtype);
    }

    /** The current buffer and the spare of {@link CudaStagedInput}. */
    @Override
    public int stagedInputCopies() {
        return CudaStagedInput.COPIES;
    }

    @Override
    public void synchronize() {
        context.device().makeCurrent();
        context.device().synchronize();
    }

    @Override
    public void close() {
        kernels.close();
        context.close();
        context.device().close();
    }

    static IllegalArgumentException unsupported(Tensor tensor, String what) {
        return new IllegalArgumentException(what + " of a " + tensor.dtype() + " tensor is not supported on CUDA");
    }
}
