package dev.striate.cuda.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ChannelsAndCells;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.DepthwiseKernels;
import dev.striate.cuda.cudnn.ConvolutionGeometry;
import dev.striate.cuda.cudnn.Cudnn;
import dev.striate.cuda.cudnn.CudnnConvolution;

/**
 * A 2-D convolution's passes on cuDNN (groups, dilation, stride), shared by {@link Conv2dKernel} and
 * {@link Conv2dReluKernel}, which differ only in what they do to y after the convolution and to dy before its
 * backward. Algorithms are chosen once per shape (and kept on disk). A depthwise convolution runs on the project's own
 * {@link DepthwiseConvolution} instead where {@link DepthwiseKernels} says so (float work by default), its bias then
 * on {@code conv.cu} as in bf16. cuDNN pads both sides of an axis alike, so a
 * convolution whose padding differs between sides runs with padding 0 on a padded copy of its input
 * ({@code conv.cu}); its input gradient is computed for the padded copy and its interior added into dx.
 *
 * <p>In bf16 (x, y and their gradients stored as bf16; weight, bias and their gradients float) cuDNN convolves bf16
 * operands with float accumulation: the weight is cast into the plan's {@link Bf16WeightCopy} by forward, and
 * backward data reads that copy (cast once per step: backward reads the copy this step's forward made); the weight
 * gradient is computed into a bf16 temporary and added into the float gradient, and the bias is
 * differentiated by {@code conv.cu}, which reads and writes it as float.
 */
final class ConvolutionPasses {
    static final int WEIGHT = 0;
    static final int BIAS = 1;

    private final CudaContext context;
    private final Launcher launcher;

    ConvolutionPasses(CudaContext context, Launcher launcher) {
        this.context = context;
        this.launcher = launcher;
    }

    /**
     * A node's convolution, on cuDNN or on the depthwise kernels (the other null), the padded input's shape when
     * padding is done explicitly (else null), the type its activations are stored in (F32 or BF16) and, in bf16, the
     * weight's bf16 copy (else null); the executor closes it, which destroys cuDNN's descriptors and releases the copy.
     */
    record Plan(CudnnConvolution convolution, DepthwiseConvolution depthwise, Shape paddedInput, DType storage,
                Bf16WeightCopy weightCopy) implements AutoCloseable {
        boolean bf16() {
            return storage == DType.BF16;
        }

        /** Whether cuDNN adds and differentiates the bias: float work on cuDNN (else {@code conv.cu} does). */
        boolean biasOnCudnn() {
            return convolution != null && !bf16();
        }

        @Override
        public void close() {
            if (convolution != null) {
                convolution.close();
            }
            if (weightCopy != null) {
                weightCopy.close();
            }
        }
    }

    Plan prepare(Conv2d op, NodeSignature signature) {
        Shape in = signature.inputShape();
        Shape out = signature.outputShape();
        DType storage = signature.outputType();
        if (signature.inputTypes().getFirst() != storage) {
            throw new IllegalArgumentException(signature.nodeName() + ": cuDNN convolves x and y of one type, got "
                    + signature.inputTypes().getFirst() + " and " + storage);
        }
        Window2d k = op.window();
        boolean symmetric = k.padTop() == k.padBottom() && k.padLeft() == k.padRight();
        Shape seen = symmetric ? in : Shape.of(in.batch(), in.channels(), in.height() + k.padTop() + k.padBottom(),
                in.width() + k.padLeft() + k.padRight());
        ConvolutionGeometry geometry = new ConvolutionGeometry(in.batch(), in.channels(), seen.height(),
                seen.width(), op.outChannels(), k.kernelH(), k.kernelW(), symmetric ? k.padTop() : 0,
                symmetric ? k.padLeft() : 0, k.strideH(), k.strideW(), k.dilationH(), k.dilationW(), op.groups(),
                out.height(), out.width());
        Bf16WeightCopy weightCopy = storage == DType.BF16
                ? new Bf16WeightCopy(context, launcher, signature.paramShapes().get(WEIGHT)) : null;
        Shape paddedInput = symmetric ? null : seen;
        if (DepthwiseConvolution.handles(geometry) && context.depthwiseKernels().runsOwnKernels(storage)) {
            return new Plan(null, new DepthwiseConvolution(launcher, context, geometry), paddedInput, storage,
                    weightCopy);
        }
        // x, y, their gradients and the bf16 weight copy lie as the context lays out rank-4 tensors of their type.
        CudnnConvolution convolution = new CudnnConvolution(context, geometry, Cudnn.dataType(storage),
                context.variantLayout(storage), signature.backward());
        return new Plan(convolution, null, paddedInput, storage, weightCopy);
    }

    /** y = conv(x, w), without the bias. */
    void convolve(Conv2d op, Plan plan, Tensor x, Tensor weight, Tensor y) {
        Tensor operand = plan.bf16() ? plan.weightCopy().castFrom(weight) : weight;
        Tensor seen = plan.paddedInput() == null ? x : padded(op, plan, x);
        if (plan.depthwise() != null) {
            plan.depthwise().forward(seen, operand, y);
        } else {
            plan.convolution().forward(context.address(seen), context.address(operand), context.address(y));
        }
        if (seen != x) {
            context.release(seen);
        }
    }

    /**
     * The convolution's backward from {@code outputGrad} (the call's dy, or what a fused activation made of it): dx
     * (written whole when the call hands it over fresh), dw and db, each where the call wants it.
     */
    void backward(Conv2d op, BackwardCall call, Tensor outputGrad) {
        Plan plan = (Plan) call.prepared();
        if (call.inputGrad() != null) {
            inputGradient(op, plan, call, outputGrad);
        }
        Tensor weightGrad = call.paramGrads().get(WEIGHT);
        if (weightGrad != null) {
            weightGradient(op, plan, call, outputGrad, weightGrad);
        }
        Tensor biasGrad = op.bias() ? call.paramGrads().get(BIAS) : null;
        if (biasGrad != null) {
            biasGradient(plan, outputGrad, biasGrad);
        }
    }

    /** Whether the call wants any gradient: dx, dw or db. */
    static boolean wantsAnyGradient(BackwardCall call) {
        return call.inputGrad() != null || call.paramGrads().stream().anyMatch(gradient -> gradient != null);
    }

    /**
     * dx is written whole when fresh: backward data with beta 0 (cuDNN) or accumulate 0 (the depthwise kernels); with
     * explicit padding, the interior of the padded gradient is added into a dx cleared first.
     */
    private void inputGradient(Conv2d op, Plan plan, BackwardCall call, Tensor dy) {
        // Cast once per step: backward reads the copy this step's forward made.
        Tensor weight = plan.bf16() ? plan.weightCopy().fromThisStepsForward() : call.params().get(WEIGHT);
        if (plan.paddedInput() == null) {
            backwardData(plan, weight, dy, call.inputGrad(), !call.fresh(0));
            return;
        }
        launcher.clearIfFresh(call, 0); // the padded path adds the interior of its gradient into dx
        Tensor paddedGrad = context.scratch(plan.paddedInput(), plan.storage());
        backwardData(plan, weight, dy, paddedGrad, false);
        Shape in = call.input().shape();
        Shape padded = plan.paddedInput();
        launcher.overElements("conv", "unpad_accumulate", call.inputGrad().size(), paddedGrad, call.inputGrad(),
                in.batch(), in.channels(), in.height(), in.width(), padded.height(), padded.width(),
                op.window().padTop(), op.window().padLeft());
        context.release(paddedGrad);
    }

    private void backwardData(Plan plan, Tensor weight, Tensor dy, Tensor dx, boolean accumulate) {
        if (plan.depthwise() != null) {
            plan.depthwise().backwardData(weight, dy, dx, accumulate);
        } else {
            plan.convolution().backwardData(context.address(weight), context.address(dy), context.address(dx),
                    accumulate);
        }
    }

    /**
     * dw += the weight gradient: the depthwise kernels add into the float dw in every precision; cuDNN in bf16
     * computes it into a bf16 temporary (beta 0, laid out as the activations are), then added into the float (NCHW)
     * dw.
     */
    private void weightGradient(Conv2d op, Plan plan, BackwardCall call, Tensor dy, Tensor weightGrad) {
        Tensor x = plan.paddedInput() == null ? call.input() : padded(op, plan, call.input());
        if (plan.depthwise() != null) {
            plan.depthwise().backwardFilter(x, dy, weightGrad, true);
        } else if (plan.bf16()) {
            Tensor computed = context.scratch(weightGrad.shape(), DType.BF16);
            plan.convolution().backwardFilter(context.address(x), context.address(dy), context.address(computed),
                    false);
            ChannelsAndCells extent = ChannelsAndCells.of(computed.shape());
            launcher.overElements("elementwise", "accumulate_storage_into_f32", computed.size(), computed,
                    weightGrad, computed.size(), extent.channels(), extent.cells());
            context.release(computed);
        } else {
            plan.convolution().backwardFilter(context.address(x), context.address(dy), context.address(weightGrad),
                    true);
        }
        if (x != call.input()) {
            context.release(x);
        }
    }

    /**
     * db += Σ dy over N, H, W: cuDNN for float dy on cuDNN's convolution, else {@code conv.cu}, in two stages over
     * {@link ChannelChunks} (chunk sums into a temporary float buffer, then added per channel in chunk order).
     */
    private void biasGradient(Plan plan, Tensor dy, Tensor biasGrad) {
        if (plan.biasOnCudnn()) {
            plan.convolution().backwardBias(context.address(dy), context.address(biasGrad));
            return;
        }
        Shape shape = dy.shape();
        int positions = shape.height() * shape.width();
        ChannelChunks grid = ChannelChunks.of(launcher.variantLayout(dy), shape.channels(),
                (long) shape.batch() * positions);
        Tensor partials = context.scratch(Shape.of(grid.partials()), DType.F32);
        launcher.withBlocks("conv", "channel_sum_partials", grid.blocks(), dy, partials, shape.batch(),
                shape.channels(), positions, grid.chunkLength());
        launcher.withBlocks("conv", "channel_bias_gradient", shape.channels(), partials, biasGrad, shape.batch(),
                shape.channels(), positions, grid.chunkLength());
        context.release(partials);
    }

    /** A temporary zero-padded copy of x, of x's type; the caller releases it. */
    private Tensor padded(Conv2d op, Plan plan, Tensor x) {
        Shape in = x.shape();
        Shape padded = plan.paddedInput();
        Tensor copy = context.scratch(padded, x.dtype());
        launcher.overElements("conv", "pad_input", copy.size(), x, copy, in.batch(), in.channels(), in.height(),
                in.width(), padded.height(), padded.width(), op.window().padTop(), op.window().padLeft());
        return copy;
    }
}
