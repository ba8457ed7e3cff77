package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;

/**
 * A convolution and its ReLU as one node, y = max(conv(x) + b, 0): the convolution as {@link Conv2dKernel} runs it
 * ({@link ConvolutionPasses}: cuDNN, or the depthwise kernels), then one {@code conv.cu} pass over y that adds the bias
 * (if any) and clamps, in every precision and layout, where the unfused pair makes two (the bias: cuDNN's addTensor,
 * or {@code conv.cu}; the ReLU) and writes a second tensor. Backward: g' = dy where y > 0, else 0 ({@code elementwise.cu}'s
 * {@code relu_backward}, read off y as ReLU's own backward does) into scratch memory, then the convolution's backward
 * with g' (dx, written whole when fresh; dw; db).
 *
 * <p>cuDNN's {@code cudnnConvolutionBiasActivationForward} would fold the bias and ReLU into the convolution itself
 * (no pass over y at all); it is left for when it can be checked on a GPU, since no fake here can tell whether its
 * arguments are right.
 */
public final class Conv2dReluKernel implements Kernel<Conv2dRelu> {
    /** A null device pointer as a launch argument: no bias. */
    private static final Long NO_BIAS = 0L;

    private final CudaContext context;
    private final Launcher launcher;
    private final ConvolutionPasses passes;

    public Conv2dReluKernel(CudaContext context) {
        this.context = context;
        this.launcher = new Launcher(context);
        this.passes = new ConvolutionPasses(context, launcher);
    }

    @Override
    public Object prepare(Conv2dRelu op, NodeSignature signature) {
        return passes.prepare(op.conv(), signature);
    }

    @Override
    public Object forward(Conv2dRelu op, ForwardCall call) {
        Conv2d conv = op.conv();
        Tensor y = call.output();
        passes.convolve(conv, (ConvolutionPasses.Plan) call.prepared(), call.input(),
                call.params().get(ConvolutionPasses.WEIGHT), y);
        Object bias = conv.bias() ? call.params().get(ConvolutionPasses.BIAS) : NO_BIAS;
        Shape shape = y.shape();
        launcher.overElements("conv", "add_channel_bias_relu", y.size(), bias, y, shape.batch(), shape.channels(),
                shape.height() * shape.width());
        return null;
    }

    @Override
    public void backward(Conv2dRelu op, BackwardCall call) {
        if (!ConvolutionPasses.wantsAnyGradient(call)) {
            return;
        }
        Tensor dy = call.outputGrad();
        Tensor masked = context.scratch(dy.shape(), dy.dtype());
        long n = dy.size();
        // accumulate 0: the scratch tensor is written whole, never read.
        launcher.overElements("elementwise", "relu_backward", n, call.output(), dy, masked, n, 0);
        passes.backward(op.conv(), call, masked);
        context.release(masked);
    }

    /** The convolution's backward writes dx whole when fresh, as {@link Conv2dKernel}'s does. */
    @Override
    public boolean writesFreshInputGradient(Conv2dRelu op, int position) {
        return true;
    }
}
