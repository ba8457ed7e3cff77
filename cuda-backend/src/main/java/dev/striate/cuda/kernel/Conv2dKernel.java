package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.cudnn.ConvolutionGeometry;
import dev.striate.cuda.cudnn.CudnnConvolution;

/**
 * 2-D convolution (groups, dilation, stride) on cuDNN, algorithms chosen once per shape (and kept on disk). cuDNN pads
 * both sides of an axis alike, so a convolution whose padding differs between sides runs with padding 0 on a padded
 * copy of its input ({@code conv.cu}); its input gradient is computed for the padded copy and its interior added
 * into dx.
 */
public final class Conv2dKernel implements Kernel<Conv2d> {
    private static final int WEIGHT = 0;
    private static final int BIAS = 1;

    private final CudaContext context;
    private final Launcher launcher;

    public Conv2dKernel(CudaContext context) {
        this.context = context;
        this.launcher = new Launcher(context);
    }

    /**
     * The node's cuDNN convolution, and the padded input's shape when padding is done explicitly (else null); the
     * executor closes it, which destroys the convolution's descriptors.
     */
    private record Plan(CudnnConvolution convolution, Shape paddedInput) implements AutoCloseable {
        @Override
        public void close() {
            convolution.close();
        }
    }

    @Override
    public Object prepare(Conv2d op, NodeSignature signature) {
        Shape in = signature.inputShape();
        Shape out = signature.outputShape();
        Window2d k = op.window();
        boolean symmetric = k.padTop() == k.padBottom() && k.padLeft() == k.padRight();
        Shape seen = symmetric ? in : Shape.of(in.batch(), in.channels(), in.height() + k.padTop() + k.padBottom(),
                in.width() + k.padLeft() + k.padRight());
        ConvolutionGeometry geometry = new ConvolutionGeometry(in.batch(), in.channels(), seen.height(),
                seen.width(), op.outChannels(), k.kernelH(), k.kernelW(), symmetric ? k.padTop() : 0,
                symmetric ? k.padLeft() : 0, k.strideH(), k.strideW(), k.dilationH(), k.dilationW(), op.groups(),
                out.height(), out.width());
        return new Plan(new CudnnConvolution(context, geometry), symmetric ? null : seen);
    }

    @Override
    public Object forward(Conv2d op, ForwardCall call) {
        Plan plan = (Plan) call.prepared();
        long weight = context.address(call.params().get(WEIGHT));
        long y = context.address(call.output());
        if (plan.paddedInput() == null) {
            plan.convolution().forward(context.address(call.input()), weight, y);
        } else {
            Tensor padded = padded(op, plan, call.input());
            plan.convolution().forward(context.address(padded), weight, y);
            context.release(padded);
        }
        if (op.bias()) {
            plan.convolution().addBias(context.address(call.params().get(BIAS)), y);
        }
        return null;
    }

    @Override
    public void backward(Conv2d op, BackwardCall call) {
        Plan plan = (Plan) call.prepared();
        long dy = context.address(call.outputGrad());
        if (call.inputGrad() != null) {
            inputGradient(op, plan, call, dy);
        }
        Tensor weightGrad = call.paramGrads().get(WEIGHT);
        if (weightGrad != null) {
            if (plan.paddedInput() == null) {
                plan.convolution().backwardFilter(context.address(call.input()), dy, context.address(weightGrad));
            } else {
                Tensor padded = padded(op, plan, call.input());
                plan.convolution().backwardFilter(context.address(padded), dy, context.address(weightGrad));
                context.release(padded);
            }
        }
        Tensor biasGrad = op.bias() ? call.paramGrads().get(BIAS) : null;
        if (biasGrad != null) {
            plan.convolution().backwardBias(dy, context.address(biasGrad));
        }
    }

    private void inputGradient(Conv2d op, Plan plan, BackwardCall call, long dy) {
        long weight = context.address(call.params().get(WEIGHT));
        if (plan.paddedInput() == null) {
            plan.convolution().backwardData(weight, dy, context.address(call.inputGrad()), true);
            return;
        }
        Tensor paddedGrad = context.temporary(plan.paddedInput(), DType.F32);
        plan.convolution().backwardData(weight, dy, context.address(paddedGrad), false);
        Shape in = call.input().shape();
        Shape padded = plan.paddedInput();
        launcher.overElements("conv", "unpad_accumulate", call.inputGrad().size(), paddedGrad, call.inputGrad(),
                in.batch(), in.channels(), in.height(), in.width(), padded.height(), padded.width(),
                op.window().padTop(), op.window().padLeft());
        context.release(paddedGrad);
    }

    /** A temporary zero-padded copy of x; the caller releases it. */
    private Tensor padded(Conv2d op, Plan plan, Tensor x) {
        Shape in = x.shape();
        Shape padded = plan.paddedInput();
        Tensor copy = context.temporary(padded, DType.F32);
        launcher.overElements("conv", "pad_input", copy.size(), x, copy, in.batch(), in.channels(), in.height(),
                in.width(), padded.height(), padded.width(), op.window().padTop(), op.window().padLeft());
        return copy;
    }
}
