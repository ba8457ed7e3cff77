package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.AdaptiveAvgPool2d;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.CudaContext;

/**
 * Adaptive average pooling (windows that may overlap or differ in size, {@link AdaptiveAvgPool2d#windowStart}):
 * NVRTC kernels in {@code pooling.cu}; cuDNN has no adaptive pooling.
 */
public final class AdaptiveAvgPool2dKernel implements Kernel<AdaptiveAvgPool2d> {
    private final Launcher launcher;

    public AdaptiveAvgPool2dKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(AdaptiveAvgPool2d op, ForwardCall call) {
        Shape in = call.input().shape();
        Shape out = call.output().shape();
        launcher.overElements("pooling", "adaptive_avg_pool2d_forward", call.output().size(), call.input(),
                call.output(), in.batch(), in.channels(), in.height(), in.width(), out.height(), out.width());
        return null;
    }

    @Override
    public void backward(AdaptiveAvgPool2d op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        Shape in = call.input().shape();
        Shape out = call.output().shape();
        launcher.backwardOverElements(call, "pooling", "adaptive_avg_pool2d_backward", call.input().size(),
                call.outputGrad(), call.inputGrad(), in.batch(), in.channels(), in.height(), in.width(), out.height(),
                out.width());
    }

    /** Every input gradient element is written (a gather), so a fresh one is written whole. */
    @Override
    public boolean writesFreshInputGradient(AdaptiveAvgPool2d op, int position) {
        return true;
    }
}
