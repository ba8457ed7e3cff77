package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.Conv2d;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;

/**
 * 2-D convolution (groups, dilation, stride) on cuDNN, or a depthwise one on the project's kernels
 * ({@link ConvolutionPasses}: algorithms chosen once per shape, explicit padding where it differs between sides, bf16
 * weight copies), then y += bias: cuDNN's addTensor for float y on cuDNN, else {@code conv.cu}'s
 * {@code add_channel_bias} (the float bias into y).
 */
public final class Conv2dKernel implements Kernel<Conv2d> {
    private final CudaContext context;
    private final Launcher launcher;
    private final ConvolutionPasses passes;

    public Conv2dKernel(CudaContext context) {
        this.context = context;
        this.launcher = new Launcher(context);
        this.passes = new ConvolutionPasses(context, launcher);
    }

    @Override
    public Object prepare(Conv2d op, NodeSignature signature) {
        return passes.prepare(op, signature);
    }

    @Override
    public Object forward(Conv2d op, ForwardCall call) {
        ConvolutionPasses.Plan plan = (ConvolutionPasses.Plan) call.prepared();
        passes.convolve(op, plan, call.input(), call.params().get(ConvolutionPasses.WEIGHT), call.output());
        if (op.bias()) {
            addBias(plan, call.params().get(ConvolutionPasses.BIAS), call.output());
        }
        return null;
    }

    @Override
    public void backward(Conv2d op, BackwardCall call) {
        passes.backward(op, call, call.outputGrad());
    }

    /**
     * dx is written whole when fresh: cuDNN's backward data with beta 0; with explicit padding, the interior of the
     * padded gradient is added into a dx cleared first.
     */
    @Override
    public boolean writesFreshInputGradient(Conv2d op, int position) {
        return true;
    }

    /**
     * y += bias over N, H, W: cuDNN for float y on cuDNN's convolution, else {@code conv.cu} (the float bias into y
     * of either type).
     */
    private void addBias(ConvolutionPasses.Plan plan, Tensor bias, Tensor y) {
        if (plan.biasOnCudnn()) {
            plan.convolution().addBias(context.address(bias), context.address(y));
            return;
        }
        Shape shape = y.shape();
        launcher.overElements("conv", "add_channel_bias", y.size(), bias, y, shape.batch(), shape.channels(),
                shape.height() * shape.width());
    }
}
