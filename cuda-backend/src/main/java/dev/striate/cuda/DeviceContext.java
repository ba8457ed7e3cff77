package dev.striate.cuda;

import static dev.striate.cuda.device.CudaException.check;

import dev.striate.core.backend.Precision;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.cudnn.ConvolutionAlgorithms;
import dev.striate.cuda.cudnn.CudnnLibrary;
import dev.striate.cuda.cudnn.CudnnPlatform;
import dev.striate.cuda.device.CublasLoader;
import dev.striate.cuda.device.CudaDevice;
import dev.striate.cuda.device.CudaException;
import dev.striate.cuda.device.DevicePointer;
import dev.striate.cuda.device.HostRegistrations;
import dev.striate.cuda.device.LoadedCudnn;
import dev.striate.cuda.doctor.CudaDiagnosis;
import dev.striate.cuda.memory.CachingAllocator;
import dev.striate.cuda.natives.CudaLibraryLoader;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;

/**
 * The CUDA backend's {@link CudaContext}: one GPU, its stream, the caching allocator, NVRTC kernels, and cuBLAS and
 * cuDNN opened on first use (a graph without linear layers never loads cuBLAS).
 */
final class DeviceContext implements CudaContext {
    private final Precision precision;
    private final ActivationLayout layout;
    private final DepthwiseKernels depthwiseKernels;
    private final CudaDevice device;
    private final CachingAllocator allocator;
    private final CudaDiagnosis libraries;
    private final Path cacheFolder;
    private final KernelModules modules;
    private final HostRegistrations registrations;
    private final PinnedReadback readback;
    private cublasHandle cublas;
    private LoadedCudnn cudnn;
    private ConvolutionAlgorithms convolutionAlgorithms;
    private long workspaceAddress;
    private long workspaceBytes;

    DeviceContext(Precision precision, ActivationLayout layout, DepthwiseKernels depthwiseKernels, CudaDevice device,
                  CudaDiagnosis libraries, Path cacheFolder) {
        this.precision = precision;
        this.layout = layout;
        this.depthwiseKernels = depthwiseKernels;
        this.device = device;
        this.allocator = new CachingAllocator(device);
        this.libraries = libraries;
        this.cacheFolder = cacheFolder;
        this.modules = new KernelModules(device, libraries.found("NVRTC"), cacheFolder);
        this.registrations = new HostRegistrations(device);
        this.readback = new PinnedReadback(registrations);
    }

    CudaDevice device() {
        return device;
    }

    CachingAllocator allocator() {
        return allocator;
    }

    /** The host memory page-locked for copies: the loader's batch buffers, labels, the readback memory. */
    HostRegistrations registrations() {
        return registrations;
    }

    /** Page-locked memory of at least {@code bytes} for results read with one wait; valid until the next call. */
    MemorySegment readback(long bytes) {
        return readback.memory(bytes);
    }

    /** A zero-filled tensor from the caching allocator, its elements stored as {@code dtype}. */
    Tensor allocate(Shape shape, DType dtype) {
        Tensor tensor = allocateUninitialized(shape, dtype);
        CudaBuffer buffer = buffer(tensor);
        check(JCudaDriver.cuMemsetD8Async(DevicePointer.at(buffer.address()), (byte) 0, buffer.bytes(),
                device.stream()), "cuMemsetD8Async");
        return tensor;
    }

    /**
     * A tensor from the caching allocator holding whatever its block last held: no memset, for a node's output,
     * which its forward kernel writes whole.
     */
    Tensor allocateUninitialized(Shape shape, DType dtype) {
        device.makeCurrent();
        long bytes = Math.max(1, shape.size()) * dtype.bytes();
        long address = allocator.allocate(bytes);
        return new Tensor(shape, dtype, new CudaBuffer(address, bytes, dtype));
    }

    static CudaBuffer buffer(Tensor tensor) {
        if (!(tensor.buffer() instanceof CudaBuffer buffer)) {
            throw new IllegalArgumentException("tensor belongs to backend '" + tensor.buffer().backendName()
                    + "', not '" + CudaBackend.NAME + "'");
        }
        return buffer;
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
        return DevicePointer.at(address(tensor));
    }

    @Override
    public long address(Tensor tensor) {
        return buffer(tensor).address();
    }

    @Override
    public CUstream stream() {
        return device.stream();
    }

    @Override
    public long streamAddress() {
        return device.stream().address();
    }

    @Override
    public CUfunction function(String source, String kernelName, DType storage) {
        device.makeCurrent();
        return modules.function(source, kernelName, storage, variantLayout(storage));
    }

    @Override
    public void launch(CUfunction function, int blocks, int threadsPerBlock, Object... arguments) {
        device.makeCurrent();
        Pointer[] parameters = new Pointer[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            parameters[i] = parameter(arguments[i], i);
        }
        check(JCudaDriver.cuLaunchKernel(function, blocks, 1, 1, threadsPerBlock, 1, 1, 0, device.stream(),
                Pointer.to(parameters), null), "cuLaunchKernel");
    }

    /** A kernel parameter: a tensor is passed as its 8-byte device address. */
    private Pointer parameter(Object argument, int position) {
        return switch (argument) {
            case Tensor tensor -> Pointer.to(new long[] {address(tensor)});
            case Integer value -> Pointer.to(new int[] {value});
            case Long value -> Pointer.to(new long[] {value});
            case Float value -> Pointer.to(new float[] {value});
            case Double value -> Pointer.to(new double[] {value});
            default -> throw new IllegalArgumentException("kernel argument " + position + " is a "
                    + argument.getClass().getSimpleName() + "; expected a Tensor, Integer, Long, Float or Double");
        };
    }

    @Override
    public synchronized cublasHandle cublas() {
        // Every GEMM fetches the handle here: the calling thread must have this device current, as cuBLAS uses it.
        device.makeCurrent();
        if (cublas == null) {
            CublasLoader.load(libraries.found("cuBLAS"), cacheFolder);
            cublasHandle handle = new cublasHandle();
            checkCublas(JCublas2.cublasCreate(handle), "cublasCreate");
            checkCublas(JCublas2.cublasSetStream(handle, new cudaStream_t(device.stream())), "cublasSetStream");
            int math = precision == Precision.TF32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH
                    : cublasMath.CUBLAS_DEFAULT_MATH;
            checkCublas(JCublas2.cublasSetMathMode(handle, math), "cublasSetMathMode");
            cublas = handle;
        }
        return cublas;
    }

    static void checkCublas(int status, String call) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call + " failed: " + cublasStatus.stringFor(status));
        }
    }

    @Override
    public synchronized CudnnLibrary cudnn() {
        device.makeCurrent();
        if (cudnn == null) {
            // cuDNN's engine sub-libraries need cuBLASLt and NVRTC: opened first, they bind by soname.
            CudaLibraryLoader.openCublas(libraries.found("cuBLAS"));
            CudaLibraryLoader.openNvrtc(libraries.found("NVRTC"));
            cudnn = LoadedCudnn.open(libraries.found("cuDNN"), streamAddress(), device::makeCurrent);
        }
        return cudnn;
    }

    /** Choices stored on disk per GPU model and cuDNN version; a cache file it cannot use is one notice on stderr. */
    @Override
    public synchronized ConvolutionAlgorithms convolutionAlgorithms() {
        if (convolutionAlgorithms == null) {
            CudnnPlatform platform = new CudnnPlatform(device.name(), device.computeMajor(), device.computeMinor(),
                    cudnn().version());
            convolutionAlgorithms = ConvolutionAlgorithms.onDisk(platform, cacheFolder, System.err::println);
        }
        return convolutionAlgorithms;
    }

    @Override
    public synchronized long workspace(long bytes) {
        if (bytes > workspaceBytes) {
            if (workspaceAddress != 0) {
                allocator.free(workspaceAddress);
            }
            workspaceAddress = allocator.allocate(bytes);
            workspaceBytes = bytes;
        }
        return workspaceAddress;
    }

    @Override
    public Tensor temporary(Shape shape, DType dtype) {
        return allocate(shape, dtype);
    }

    @Override
    public Tensor scratch(Shape shape, DType dtype) {
        return allocateUninitialized(shape, dtype);
    }

    @Override
    public void release(Tensor tensor) {
        CudaBuffer buffer = buffer(tensor);
        long address = buffer.address();
        buffer.markReleased();
        allocator.free(address);
    }

    synchronized void close() {
        device.makeCurrent();
        device.synchronize();
        if (cublas != null) {
            checkCublas(JCublas2.cublasDestroy(cublas), "cublasDestroy");
        }
        if (cudnn != null) {
            cudnn.close();
        }
        modules.close();
        readback.close();
        registrations.close();
        allocator.close();
    }
}
