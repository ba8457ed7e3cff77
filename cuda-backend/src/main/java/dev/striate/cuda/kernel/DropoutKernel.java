package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Dropout;
import dev.striate.core.op.DropoutMask;
import dev.striate.cuda.ChannelsAndCells;
import dev.striate.cuda.CudaContext;

/**
 * Inverted dropout with exactly the reference's mask ({@link DropoutMask}, recomputed on the device from seed, node,
 * step and NCHW index by {@code dropout.cu}, which maps a channels-last element to its NCHW index); the identity in
 * evaluation.
 */
public final class DropoutKernel implements Kernel<Dropout> {
    private final Launcher launcher;

    public DropoutKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(Dropout op, ForwardCall call) {
        RunContext run = call.context();
        if (!run.training()) {
            launcher.copy(call.input(), call.output());
            return null;
        }
        long n = call.input().size();
        ChannelsAndCells extent = ChannelsAndCells.of(call.input().shape());
        launcher.overElements("dropout", "dropout_forward", n, call.input(), call.output(), n, extent.channels(),
                extent.cells(), op.p(), keptScale(op), run.seed(), call.nodeId(), run.step());
        return null;
    }

    @Override
    public void backward(Dropout op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        RunContext run = call.context();
        if (!run.training()) {
            if (call.fresh(0)) {
                launcher.copy(call.outputGrad(), call.inputGrad());
            } else {
                launcher.accumulate(call.outputGrad(), call.inputGrad());
            }
            return;
        }
        long n = call.inputGrad().size();
        ChannelsAndCells extent = ChannelsAndCells.of(call.inputGrad().shape());
        launcher.backwardOverElements(call, "dropout", "dropout_backward", n, call.outputGrad(), call.inputGrad(),
                n, extent.channels(), extent.cells(), op.p(), keptScale(op), run.seed(), call.nodeId(), run.step());
    }

    @Override
    public boolean writesFreshInputGradient(Dropout op, int position) {
        return true;
    }

    private static float keptScale(Dropout op) {
        return (float) (1 / (1 - op.p()));
    }
}
