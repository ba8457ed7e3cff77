package dev.striate.cuda.cudnn;

import java.util.Set;

/**
 * The three convolutions a training step runs, each with its own cuDNN algorithm enum. {@link #transformAlgorithms}
 * are the FFT and Winograd algorithms of that enum (values from cuDNN 9's {@code cudnn_cnn.h}): they compute in a
 * transformed domain and round differently from a direct sum, by more than fp32's parity tolerance allows.
 */
public enum ConvolutionDirection {
    /** {@code cudnnConvolutionFwdAlgo_t}: FFT 4, FFT_TILING 5, WINOGRAD 6, WINOGRAD_NONFUSED 7. */
    FORWARD("cudnnFindConvolutionForwardAlgorithm", Set.of(4, 5, 6, 7)),
    /** {@code cudnnConvolutionBwdDataAlgo_t}: FFT 2, FFT_TILING 3, WINOGRAD 4, WINOGRAD_NONFUSED 5. */
    BACKWARD_DATA("cudnnFindConvolutionBackwardDataAlgorithm", Set.of(2, 3, 4, 5)),
    /** {@code cudnnConvolutionBwdFilterAlgo_t}: FFT 2, WINOGRAD 4, WINOGRAD_NONFUSED 5, FFT_TILING 6. */
    BACKWARD_FILTER("cudnnFindConvolutionBackwardFilterAlgorithm", Set.of(2, 4, 5, 6));

    private final String findFunction;
    private final Set<Integer> transformAlgorithms;

    ConvolutionDirection(String findFunction, Set<Integer> transformAlgorithms) {
        this.findFunction = findFunction;
        this.transformAlgorithms = transformAlgorithms;
    }

    /** The cuDNN function that times every algorithm of this direction. */
    public String findFunction() {
        return findFunction;
    }

    /** Whether {@code algorithm} is one of this direction's FFT or Winograd algorithms. */
    public boolean isTransform(int algorithm) {
        return transformAlgorithms.contains(algorithm);
    }

    /** As written in messages: "forward", "backward data", "backward filter". */
    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
