/**
 * The CUDA kernel of every op ({@code <Op>Kernel}, made with the backend's {@link dev.striate.cuda.CudaContext}),
 * with the reference backend's semantics. Convolution (but depthwise ones in float work: {@code depthwise.cu}, as
 * {@link dev.striate.cuda.DepthwiseKernels} says), float batch norm not fused with its ReLU (training, and evaluation
 * forward), ReLU, ReLU6, ELU, sigmoid, tanh and log softmax run on cuDNN ({@code dev.striate.cuda.cudnn}); linear
 * layers on cuBLAS (SGEMM, or GemmEx with bf16 operands); bf16 and fused batch norms ({@code batchnorm.cu}) and
 * everything else on the project's CUDA C kernels ({@code /dev/striate/cuda/kernels/*.cu}, compiled by NVRTC):
 * pooling (cuDNN has no ceil mode, asymmetric padding, dilation or adaptive windows, and its max-pooling tie rule is
 * undocumented), LRN (cuDNN centres even windows differently), dropout's counter-based mask, the loss, leaky ReLU,
 * maxout, add, concat, slice, shuffle and flatten. Backward kernels add into gradients, or write them whole where the
 * executor hands them over fresh.
 */
package dev.striate.cuda.kernel;
