package dev.striate.cuda;

import dev.striate.core.backend.Precision;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.cudnn.ConvolutionAlgorithms;
import dev.striate.cuda.cudnn.CudnnLibrary;
import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.jcublas.cublasHandle;

/**
 * What every CUDA kernel is given when the backend makes it ({@code new Conv2dKernel(context)}): the device's
 * stream, libraries and memory, so that kernels hold no static state and one backend's handles never leak into
 * another's. All work is queued on {@link #stream()}.
 */
public interface CudaContext {
    Precision precision();

    /** How this backend lays out rank-4 bf16 activations ({@link ActivationLayout}); NCHW in fp32 and tf32 work. */
    ActivationLayout layout();

    /** Which kernels run depthwise convolutions ({@link DepthwiseKernels}). */
    DepthwiseKernels depthwiseKernels();

    /**
     * The layout the kernels of activations stored as {@code storage} read rank-4 tensors in (their variant's):
     * {@link #layout()} for BF16, NCHW for F32.
     */
    default ActivationLayout variantLayout(DType storage) {
        return storage == DType.BF16 ? layout() : ActivationLayout.NCHW;
    }

    /** The layout {@code tensor} lies in: {@link #layout()} for a rank-4 BF16 tensor, NCHW for any other. */
    default ActivationLayout layoutOf(Tensor tensor) {
        ActivationLayout layout = variantLayout(tensor.dtype());
        return layout.reorders(tensor.shape()) ? layout : ActivationLayout.NCHW;
    }

    /** The device pointer of a tensor of this backend. */
    Pointer pointer(Tensor tensor);

    /** The raw device address of a tensor of this backend, for cuDNN calls through {@code java.lang.foreign}. */
    long address(Tensor tensor);

    CUstream stream();

    /** The raw {@code CUstream}/{@code cudaStream_t} of {@link #stream()}. */
    long streamAddress();

    /**
     * The {@code extern "C"} function {@code kernelName} of the CUDA C resource
     * {@code /dev/striate/cuda/kernels/<source>.cu}, compiled by NVRTC for this device on first use and cached on disk,
     * in its variant for activations stored as {@code storage} (F32 or BF16: {@code act_t} in {@code storage.cuh}; bf16
     * ones laid out as {@link #layout()} says: {@code layout.cuh}).
     */
    CUfunction function(String source, String kernelName, DType storage);

    /** {@link #function(String, String, DType)} with float activations. */
    default CUfunction function(String source, String kernelName) {
        return function(source, kernelName, DType.F32);
    }

    /**
     * Queues a one-dimensional launch. Arguments are {@link Tensor}s (passed as device pointers), {@code Integer},
     * {@code Long}, {@code Float} or {@code Double}, in the kernel's parameter order.
     */
    void launch(CUfunction function, int blocks, int threadsPerBlock, Object... arguments);

    /** cuBLAS on {@link #stream()}, its math mode set from the precision (fp32: default math; tf32: TF32 tensor ops). */
    cublasHandle cublas();

    /** cuDNN on {@link #stream()}. */
    CudnnLibrary cudnn();

    /** The convolution algorithms chosen so far on this GPU and cuDNN, kept for the backend's life and on disk. */
    ConvolutionAlgorithms convolutionAlgorithms();

    /** The address of one device workspace of at least {@code bytes}, grown on demand; valid until the next call. */
    long workspace(long bytes);

    /**
     * A zero-filled tensor from the caching allocator, for a kernel's own intermediate results or for buffers a plan
     * keeps; give it back with {@link #release}.
     */
    Tensor temporary(Shape shape, DType dtype);

    /**
     * A tensor from the caching allocator holding whatever its block last held, for an intermediate result that the
     * step writes whole before anything reads it (partial sums, a masked gradient, a padded copy): no memset, which per
     * training step cost resnet50 one launch per batch norm pass and vgg16 6.9 GB of fp32 writes. Give it back with
     * {@link #release}.
     */
    Tensor scratch(Shape shape, DType dtype);

    void release(Tensor tensor);
}
