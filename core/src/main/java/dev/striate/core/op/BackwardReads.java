package dev.striate.core.op;

import java.util.Set;

/**
 * Which of a node's values its backward may read besides its output gradient and its parameters: some of its inputs
 * (by position) and its output. It is a contract every backend's kernels obey, the union of what the CPU reference
 * kernels and the CUDA kernels (cuDNN's arguments included) read, so that an executor planning memory by liveness may
 * free every other value once forward no longer needs it. A backward reads its inputs' and output's shapes, never
 * undeclared elements. What a kernel's forward hands its own backward (batch-norm statistics, max-pool indices, LRN
 * scales) is the kernel's and is not planned.
 */
public record BackwardReads(Set<Integer> inputs, boolean output) {
    private static final BackwardReads NOTHING = new BackwardReads(Set.of(), false);
    private static final BackwardReads INPUT = new BackwardReads(Set.of(0), false);
    private static final BackwardReads OUTPUT = new BackwardReads(Set.of(), true);
    private static final BackwardReads INPUT_AND_OUTPUT = new BackwardReads(Set.of(0), true);

    public BackwardReads {
        inputs = Set.copyOf(inputs);
    }

    public boolean readsInput(int position) {
        return inputs.contains(position);
    }

    /**
     * The declaration of each op. The switch has no default, so a new op does not compile until it is declared here;
     * {@code PlannedBackwardTest} runs every op's gradient-check cases with undeclared values withheld.
     */
    public static BackwardReads of(Op op) {
        return switch (op) {
            // dx needs w, dw needs x (CPU loops; cuDNN backward filter).
            case Conv2d _ -> INPUT;
            case Linear _ -> INPUT;
            // The CUDA kernel finds each window's maximum again in x; the CPU kernel keeps its indices.
            case MaxPool2d _ -> INPUT;
            case AvgPool2d _ -> NOTHING;
            case GlobalAvgPool _ -> NOTHING;
            case AdaptiveAvgPool2d _ -> NOTHING;
            // x̂ = (x - mean)·invstd from x and the kernel's own statistics (cuDNN and the running-statistics path).
            case BatchNorm _ -> INPUT;
            // The scales come from the kernel (CPU) or from x again (CUDA); both read x.
            case Lrn _ -> INPUT;
            // The mask is derived again from the seed, the step and the node.
            case Dropout _ -> NOTHING;
            // The derivative read off y (1 where y > 0; where 0 < y < 6; y(1 - y); 1 - y²): the CPU kernels and the
            // CUDA activation_backward_from_output kernel, as PyTorch's in-place ReLU.
            case Relu _ -> OUTPUT;
            case Relu6 _ -> OUTPUT;
            case Sigmoid _ -> OUTPUT;
            case Tanh _ -> OUTPUT;
            // cudnnActivationBackward takes x, y and dy; the CPU reads x.
            case Elu _ -> INPUT_AND_OUTPUT;
            case LeakyRelu _ -> INPUT;
            // Each output's gradient goes to its winning piece, found again in x.
            case Maxout _ -> INPUT;
            case Add _ -> NOTHING;
            case Concat _ -> NOTHING;
            case SliceChannels _ -> NOTHING;
            case ChannelShuffle _ -> NOTHING;
            case Flatten _ -> NOTHING;
            // dx = dy - exp(y)·Σdy.
            case LogSoftmax _ -> OUTPUT;
            // The probabilities again from the logits, and the labels.
            case SoftmaxCrossEntropy _ -> new BackwardReads(Set.of(0, 1), false);
            // Fused nodes read what their parts read, the ReLU's derivative off the fused output y: the
            // convolution's x (dw), the batch norm's x (x̂); never the residual (its gradient is dy where y > 0).
            case Conv2dRelu _ -> INPUT_AND_OUTPUT;
            case BatchNormRelu _ -> INPUT_AND_OUTPUT;
            case BatchNormAddRelu _ -> INPUT_AND_OUTPUT;
        };
    }
}
