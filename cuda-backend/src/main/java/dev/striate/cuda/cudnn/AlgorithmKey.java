package dev.striate.cuda.cudnn;

/**
 * Everything that changes which algorithm cuDNN's search returns for a convolution: the platform, the direction, the
 * math type asked for (the precision), the data type and layout of its tensors, and its full geometry.
 */
public record AlgorithmKey(CudnnPlatform platform, ConvolutionDirection direction, int mathType, int dataType,
                           int layout, ConvolutionGeometry geometry) {
}
