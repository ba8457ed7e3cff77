package dev.striate.cuda.cudnn;

/**
 * A convolution as cuDNN sees it: the input (already padded when the op's padding differs between sides), filter,
 * symmetric padding, stride, dilation, groups and output; part of the key ({@link AlgorithmKey}) under which
 * algorithms are cached.
 */
public record ConvolutionGeometry(int batch, int inChannels, int height, int width, int outChannels, int kernelH,
                                  int kernelW, int padH, int padW, int strideH, int strideW, int dilationH,
                                  int dilationW, int groups, int outHeight, int outWidth) {
}
