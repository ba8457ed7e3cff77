package dev.striate.cpu.precision;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Op;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBuffer;
import dev.striate.cpu.check.WrappedKernel;
import dev.striate.cpu.kernel.Conv2dKernel;
import java.util.ArrayList;
import java.util.List;

/**
 * One reference kernel with a GPU's roundings around it, not inside it: conv and GEMM read operand copies rounded to
 * the precision's operand format; whatever a kernel writes is rounded to its tensor's stored type afterwards. As in
 * the CUDA backend, a conv or linear layer's bias is added by a kernel of its own after the rounded product, and in
 * bf16 a convolution's weight gradient goes through a bf16 temporary before it is added into the fp32 gradient
 * (cuDNN writes it in the operands' type; cuBLAS writes an fp32 result directly). A convolution fused with its ReLU
 * rounds as the convolution does, then clamps.
 */
final class RoundingKernel<O extends Op> extends WrappedKernel<O> {
    private static final int WEIGHT = 0;
    private static final int BIAS = 1;
    private static final Conv2dKernel CONVOLUTION = new Conv2dKernel();

    private final EmulatedPrecisionBackend backend;

    RoundingKernel(Kernel<O> kernel, EmulatedPrecisionBackend backend) {
        super(kernel);
        this.backend = backend;
    }

    @Override
    public Object forward(O op, ForwardCall call) {
        if (op instanceof Conv2dRelu fused) {
            // As the CUDA kernel: the convolution (its product rounded, then the bias added and rounded), then the
            // clamp, exact on rounded values. The fused reference kernel would clamp before the bias is added here.
            Object saved = roundedProduct(CONVOLUTION, fused.conv(), call);
            double[] y = data(call.output());
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.max(y[i], 0);
            }
            return saved;
        }
        if (!isMatrixProduct(op)) {
            Object saved = kernel.forward(op, call);
            backend.roundStored(call.output());
            call.params().forEach(backend::roundStored);
            return saved;
        }
        return roundedProduct(kernel, op, call);
    }

    /**
     * A convolution's or linear layer's forward on operand copies, its product rounded to the stored type, then its
     * bias added by a pass of its own and the sum rounded again.
     */
    private <P extends Op> Object roundedProduct(Kernel<P> product, P op, ForwardCall call) {
        List<Tensor> params = operandWeights(call.params());
        Tensor bias = params.size() > BIAS ? call.params().get(BIAS) : null;
        if (bias != null) {
            params.set(BIAS, zeros(bias));
        }
        Object saved = product.forward(op, new ForwardCall(operandCopies(call.inputs()), params, call.output(),
                call.context(), call.nodeId(), call.prepared()));
        backend.roundStored(call.output());
        if (bias != null) {
            addBias(call.output(), data(bias));
            backend.roundStored(call.output());
        }
        return saved;
    }

    @Override
    public void backward(O op, BackwardCall call) {
        if (!isMatrixProduct(op)) {
            kernel.backward(op, call);
            roundGradients(call);
            return;
        }
        List<Tensor> paramGrads = new ArrayList<>(call.paramGrads());
        Tensor weightGrad = paramGrads.get(WEIGHT);
        boolean throughTemporary = (op instanceof Conv2d || op instanceof Conv2dRelu) && weightGrad != null
                && call.outputGrad().dtype() == DType.BF16;
        if (throughTemporary) {
            paramGrads.set(WEIGHT, zeros(weightGrad));
        }
        kernel.backward(op, new BackwardCall(operandCopies(call.inputs()), operandWeights(call.params()),
                call.output(), operandCopy(call.outputGrad()), call.inputGrads(), paramGrads, call.context(),
                call.nodeId(), call.saved(), call.prepared()));
        if (throughTemporary) {
            double[] increment = data(paramGrads.get(WEIGHT));
            backend.bf16Store().roundInPlace(increment);
            double[] gradient = data(weightGrad);
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] += increment[i];
            }
        }
        roundGradients(call);
    }

    /** A convolution or linear layer, alone or fused with its ReLU (whose backward gates dy by y, then convolves). */
    private static boolean isMatrixProduct(Op op) {
        return op instanceof Conv2d || op instanceof Conv2dRelu || op instanceof Linear;
    }

    private void roundGradients(BackwardCall call) {
        for (Tensor gradient : call.inputGrads()) {
            if (gradient != null) {
                backend.roundStored(gradient);
            }
        }
        for (Tensor gradient : call.paramGrads()) {
            if (gradient != null) {
                backend.roundStored(gradient);
            }
        }
    }

    /** The parameters with the weight replaced by its operand copy (the bias and anything else as they are). */
    private List<Tensor> operandWeights(List<Tensor> params) {
        List<Tensor> copies = new ArrayList<>(params);
        copies.set(WEIGHT, operandCopy(params.get(WEIGHT)));
        return copies;
    }

    private List<Tensor> operandCopies(List<Tensor> tensors) {
        return tensors.stream().map(this::operandCopy).toList();
    }

    private Tensor operandCopy(Tensor tensor) {
        double[] values = data(tensor).clone();
        backend.operands().roundInPlace(values);
        return new Tensor(tensor.shape(), tensor.dtype(), new CpuBuffer(values));
    }

    private static Tensor zeros(Tensor like) {
        return new Tensor(like.shape(), like.dtype(), new CpuBuffer(new double[data(like).length]));
    }

    /** y[n, c, ...] += b[c]: the bias is per channel (axis 1) of a conv's [N, C, H, W] or a linear's [N, O]. */
    static void addBias(Tensor output, double[] bias) {
        double[] y = data(output);
        int inner = y.length / (output.shape().dim(0) * bias.length);
        for (int i = 0; i < y.length; i++) {
            y[i] += bias[(i / inner) % bias.length];
        }
    }
}
