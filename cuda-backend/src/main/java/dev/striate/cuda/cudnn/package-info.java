/**
 * cuDNN 9's legacy API through {@code java.lang.foreign}, one class per op family (convolution, batch norm,
 * activation, log softmax) over {@link dev.striate.cuda.cudnn.CudnnLibrary}, so that the graph API can replace one
 * family at a time. Descriptors are made once per node when a graph is compiled and destroyed when its executor
 * closes; convolution algorithm choices are made once per shape and kept on disk across runs
 * ({@link dev.striate.cuda.cudnn.ConvolutionAlgorithms}).
 */
package dev.striate.cuda.cudnn;
