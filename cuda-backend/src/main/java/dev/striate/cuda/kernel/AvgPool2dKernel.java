package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.AvgPool2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.CudaContext;

/**
 * Average pooling with the reference's divisor rule (count_include_pad counts the padding but not the cells ceil mode
 * adds past it; asymmetric padding): NVRTC kernels in {@code pooling.cu}, since cuDNN's pooling has no ceil mode and
 * no asymmetric padding.
 */
public final class AvgPool2dKernel implements Kernel<AvgPool2d> {
    private final Launcher launcher;

    public AvgPool2dKernel(CudaContext context) {
        this.launcher = new Launcher(context);
    }

    @Override
    public Object forward(AvgPool2d op, ForwardCall call) {
        launcher.overElements("pooling", "avg_pool2d_forward", call.output().size(),
                arguments(op, call.input().shape(), call.output().shape(), call.input(), call.output()));
        return null;
    }

    @Override
    public void backward(AvgPool2d op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        launcher.backwardOverElements(call, "pooling", "avg_pool2d_backward", call.input().size(),
                arguments(op, call.input().shape(), call.output().shape(), call.outputGrad(), call.inputGrad()));
    }

    /** Every input gradient element is written (a gather), so a fresh one is written whole. */
    @Override
    public boolean writesFreshInputGradient(AvgPool2d op, int position) {
        return true;
    }

    /** The tensors, then N, C, H, W, P, Q, kh, kw, sh, sw, pt, pb, pl, pr, countIncludePad. */
    private static Object[] arguments(AvgPool2d op, Shape in, Shape out, Object... tensors) {
        Window2d k = op.window();
        Object[] sizes = {in.batch(), in.channels(), in.height(), in.width(), out.height(), out.width(),
            k.kernelH(), k.kernelW(), k.strideH(), k.strideW(), k.padTop(), k.padBottom(), k.padLeft(),
            k.padRight(), op.countIncludePad() ? 1 : 0};
        Object[] all = new Object[tensors.length + sizes.length];
        System.arraycopy(tensors, 0, all, 0, tensors.length);
        System.arraycopy(sizes, 0, all, tensors.length, sizes.length);
        return all;
    }
}
