package dev.striate.cuda.cudnn;

/**
 * Everything that changes which algorithm cuDNN's search returns for a convolution: the platform, the direction, the
 * math type asked for (the precision), the data type and layout of its tensors, and its full geometry. The layout is
 * cuDNN's tensor format ({@link Cudnn#TENSOR_NCHW} 0, {@link Cudnn#TENSOR_NHWC} 1), as it was stored from the start:
 * choices stored before channels-last work existed hold layout 0, which is what they were measured with, and are
 * recalled unchanged.
 */
public record AlgorithmKey(CudnnPlatform platform, ConvolutionDirection direction, int mathType, int dataType,
                           int layout, ConvolutionGeometry geometry) {
}
