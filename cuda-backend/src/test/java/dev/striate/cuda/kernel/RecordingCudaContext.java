package dev.striate.cuda.kernel;

import dev.striate.core.backend.Precision;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.DepthwiseKernels;
import dev.striate.cuda.cudnn.ConvolutionAlgorithms;
import dev.striate.cuda.cudnn.CudnnLibrary;
import dev.striate.cuda.cudnn.CudnnPlatform;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.jcublas.cublasHandle;

/**
 * A {@link CudaContext} that runs nothing: it records every NVRTC launch (source, kernel, grid, arguments) and every
 * cuDNN call, and hands out fake tensors, so the kernels' host code can be checked without a GPU. cuBLAS is not
 * available (JCublas2 loads its native on first use).
 */
final class RecordingCudaContext implements CudaContext {
    /**
     * One launch of {@code kernel} in {@code source}'s variant for activations stored as {@code storage}, rank-4 ones
     * laid out as {@code layout}.
     */
    record Launch(String source, DType storage, String kernel, int blocks, int threadsPerBlock,
                  List<Object> arguments, ActivationLayout layout) {
        /** A launch of an NCHW variant. */
        Launch(String source, DType storage, String kernel, int blocks, int threadsPerBlock, List<Object> arguments) {
            this(source, storage, kernel, blocks, threadsPerBlock, arguments, ActivationLayout.NCHW);
        }
    }

    private record Function(String source, String kernel, DType storage) {
    }

    static final long WORKSPACE = 0x10000;
    /** The GPU and cuDNN this context pretends to be. */
    static final CudnnPlatform PLATFORM = new CudnnPlatform("Fake GPU", 9, 0, 91900);

    private final FakeDevice device = new FakeDevice();
    private final FakeCudnn cudnn = new FakeCudnn(device);
    private final Map<CUfunction, Function> functions = new IdentityHashMap<>();
    private final List<Launch> launches = new ArrayList<>();
    private final Precision precision;
    private final ActivationLayout layout;
    private final ConvolutionAlgorithms convolutionAlgorithms;
    private DepthwiseKernels depthwiseKernels = DepthwiseKernels.AUTO;

    /** Convolution algorithms kept in memory only; activations NCHW. */
    RecordingCudaContext(Precision precision) {
        this(precision, ActivationLayout.NCHW);
    }

    /** Convolution algorithms kept in memory only; rank-4 bf16 activations laid out as {@code layout}. */
    RecordingCudaContext(Precision precision, ActivationLayout layout) {
        this(precision, layout, ConvolutionAlgorithms.inMemory(PLATFORM));
    }

    /** Convolution algorithms kept in this context's memory and in {@code algorithms}; activations NCHW. */
    RecordingCudaContext(Precision precision, ConvolutionAlgorithms algorithms) {
        this(precision, ActivationLayout.NCHW, algorithms);
    }

    RecordingCudaContext(Precision precision, ActivationLayout layout, ConvolutionAlgorithms algorithms) {
        if (layout == ActivationLayout.NHWC && precision != Precision.BF16) {
            throw new IllegalArgumentException("channels-last activations are bf16 work's only");
        }
        this.precision = precision;
        this.layout = layout;
        this.convolutionAlgorithms = algorithms;
    }

    FakeDevice device() {
        return device;
    }

    /** Which kernels depthwise convolutions prepared from now on run on ({@link DepthwiseKernels#AUTO} until set). */
    RecordingCudaContext withDepthwiseKernels(DepthwiseKernels kernels) {
        this.depthwiseKernels = kernels;
        return this;
    }

    List<Launch> launches() {
        return launches;
    }

    List<FakeCudnn.Call> cudnnCalls() {
        return cudnn.calls();
    }

    FakeCudnn cudnnFake() {
        return cudnn;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public ActivationLayout layout() {
        return layout;
    }

    @Override
    public DepthwiseKernels depthwiseKernels() {
        return depthwiseKernels;
    }

    @Override
    public Pointer pointer(Tensor tensor) {
        throw new UnsupportedOperationException("no JCuda pointers without a GPU");
    }

    @Override
    public long address(Tensor tensor) {
        if (!device.isLive(tensor)) {
            throw new AssertionError("the address of a tensor that is not live: " + tensor.shape());
        }
        return device.address(tensor);
    }

    @Override
    public CUstream stream() {
        return null;
    }

    @Override
    public long streamAddress() {
        return 0;
    }

    @Override
    public CUfunction function(String source, String kernelName, DType storage) {
        CUfunction function = new CUfunction();
        functions.put(function, new Function(source, kernelName, storage));
        return function;
    }

    @Override
    public void launch(CUfunction function, int blocks, int threadsPerBlock, Object... arguments) {
        Function f = functions.get(function);
        if (f == null) {
            throw new AssertionError("launched a function this context did not make");
        }
        for (Object argument : arguments) {
            if (argument instanceof Tensor tensor && !device.isLive(tensor)) {
                throw new AssertionError(f.kernel() + " was given a released tensor");
            }
        }
        launches.add(new Launch(f.source(), f.storage(), f.kernel(), blocks, threadsPerBlock, List.of(arguments),
                variantLayout(f.storage())));
    }

    @Override
    public cublasHandle cublas() {
        throw new UnsupportedOperationException("no cuBLAS without a GPU");
    }

    @Override
    public CudnnLibrary cudnn() {
        return cudnn;
    }

    @Override
    public ConvolutionAlgorithms convolutionAlgorithms() {
        return convolutionAlgorithms;
    }

    @Override
    public long workspace(long bytes) {
        return WORKSPACE;
    }

    @Override
    public Tensor temporary(Shape shape, DType dtype) {
        return device.allocate(shape, dtype);
    }

    /** Marked uninitialized: the host emulation starts it as NaN, as a GPU's may hold anything. */
    @Override
    public Tensor scratch(Shape shape, DType dtype) {
        return device.allocateUninitialized(shape, dtype);
    }

    @Override
    public void release(Tensor tensor) {
        device.release(tensor);
    }
}
