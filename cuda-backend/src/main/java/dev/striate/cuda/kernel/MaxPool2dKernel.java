package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.CudaContext;

/**
 * Max pooling with the reference's semantics (ceil mode, asymmetric padding, dilation, the first maximum in scan
 * order takes the gradient): NVRTC kernels in {@code pooling.cu}, since cuDNN's pooling has none of these. Backward
 * recomputes each window's argmax from the input, so forward stores nothing.
 */
public final class MaxPool2dKernel implements Kernel<MaxPool2d> {
    private final Launcher launcher;

    public MaxPool2dKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(MaxPool2d op, ForwardCall call) {
        launcher.overElements("pooling", "max_pool2d_forward", call.output().size(),
                arguments(op, call.input().shape(), call.output().shape(), call.input(), call.output()));
        return null;
    }

    @Override
    public void backward(MaxPool2d op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        launcher.backwardOverElements(call, "pooling", "max_pool2d_backward", call.input().size(),
                arguments(op, call.input().shape(), call.output().shape(), call.input(), call.outputGrad(),
                        call.inputGrad()));
    }

    /** Every input gradient element is written (a gather), so a fresh one is written whole. */
    @Override
    public boolean writesFreshInputGradient(MaxPool2d op, int position) {
        return true;
    }

    /** The tensors, then N, C, H, W, P, Q, kh, kw, sh, sw, pt, pl, dh, dw. */
    private static Object[] arguments(MaxPool2d op, Shape in, Shape out, Object... tensors) {
        Window2d k = op.window();
        Object[] sizes = {in.batch(), in.channels(), in.height(), in.width(), out.height(), out.width(),
            k.kernelH(), k.kernelW(), k.strideH(), k.strideW(), k.padTop(), k.padLeft(), k.dilationH(),
            k.dilationW()};
        Object[] all = new Object[tensors.length + sizes.length];
        System.arraycopy(tensors, 0, all, 0, tensors.length);
        System.arraycopy(sizes, 0, all, tensors.length, sizes.length);
        return all;
    }
}
