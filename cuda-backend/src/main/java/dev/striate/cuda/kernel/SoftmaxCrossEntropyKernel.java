package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;

/**
 * Mean softmax cross-entropy with label smoothing over [N, K] logits and [N] I32 labels: NVRTC kernels in
 * {@code loss.cu} (the forward sums the rows in a fixed order in one block; backward is one block per row). The logits
 * and their gradient are F32, or BF16 in bf16 work (the launch takes that variant); the loss and its gradient are F32
 * in every precision, as under PyTorch's autocast.
 */
public final class SoftmaxCrossEntropyKernel implements Kernel<SoftmaxCrossEntropy> {
    private static final int LOGITS = 0;
    private static final int LABELS = 1;

    private final Launcher launcher;

    public SoftmaxCrossEntropyKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object prepare(SoftmaxCrossEntropy op, NodeSignature signature) {
        DType labels = signature.inputTypes().get(LABELS);
        if (labels != DType.I32) {
            throw new IllegalArgumentException("softmax_cross_entropy on CUDA takes I32 labels, got " + labels
                    + " for node " + signature.nodeName());
        }
        if (signature.outputType() != DType.F32) {
            throw new IllegalArgumentException("softmax_cross_entropy on CUDA writes an F32 loss, got "
                    + signature.outputType() + " for node " + signature.nodeName());
        }
        return null;
    }

    @Override
    public Object forward(SoftmaxCrossEntropy op, ForwardCall call) {
        Tensor logits = call.inputs().get(LOGITS);
        launcher.withBlocks("loss", "softmax_cross_entropy_forward", 1, logits, call.inputs().get(LABELS),
                call.output(), logits.shape().dim(0), logits.shape().dim(1), (float) op.labelSmoothing());
        return null;
    }

    @Override
    public void backward(SoftmaxCrossEntropy op, BackwardCall call) {
        Tensor logitsGrad = call.inputGrads().get(LOGITS);
        if (logitsGrad == null) {
            return;
        }
        Tensor logits = call.inputs().get(LOGITS);
        int rows = logits.shape().dim(0);
        launcher.withBlocks("loss", "softmax_cross_entropy_backward", rows, logits, call.inputs().get(LABELS),
                call.outputGrad(), logitsGrad, rows, logits.shape().dim(1), (float) op.labelSmoothing(),
                Launcher.accumulateFlag(call, LOGITS));
    }

    /** The logits' gradient is written whole when told (every row, every class); labels have none. */
    @Override
    public boolean writesFreshInputGradient(SoftmaxCrossEntropy op, int position) {
        return position == LOGITS;
    }
}
