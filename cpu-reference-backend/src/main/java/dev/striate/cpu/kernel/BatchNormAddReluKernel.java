package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.BatchNormAddRelu;
import dev.striate.core.tensor.Tensor;

/**
 * y = max(bn(x) + residual, 0): the batch norm's own kernel on x, then the residual added and the clamp, in place.
 * Backward: g' = dL/dy · [y > 0], then the batch norm's backward with g' (dγ, dβ, dx) and dL/dresidual += g'.
 */
public final class BatchNormAddReluKernel implements Kernel<BatchNormAddRelu> {
    private static final int RESIDUAL = 1;
    private final BatchNormKernel norm = new BatchNormKernel();

    /** The batch norm prepares for its own input, x. */
    @Override
    public Object prepare(BatchNormAddRelu op, NodeSignature signature) {
        return norm.prepare(op.norm(), new NodeSignature(signature.nodeName(), signature.inputShapes().subList(0, 1),
                signature.inputTypes().subList(0, 1), signature.paramShapes(), signature.outputShape(),
                signature.outputType(), signature.backward()));
    }

    /** Returns what the batch norm's forward saved (the statistics it normalized with). */
    @Override
    public Object forward(BatchNormAddRelu op, ForwardCall call) {
        Object statistics = norm.forward(op.norm(), new ForwardCall(call.inputs().subList(0, 1), call.params(),
                call.output(), call.context(), call.nodeId(), call.prepared()));
        double[] y = data(call.output());
        double[] residual = data(call.inputs().get(RESIDUAL));
        for (int i = 0; i < y.length; i++) {
            y[i] += residual[i];
        }
        ReluEnding.clampInPlace(call.output(), Double.POSITIVE_INFINITY);
        return statistics;
    }

    @Override
    public void backward(BatchNormAddRelu op, BackwardCall call) {
        Tensor gated = ReluEnding.gatedGradient(call, Double.POSITIVE_INFINITY);
        norm.backward(op.norm(), ReluEnding.innerCall(call, gated));
        Tensor residualGrad = call.inputGrads().get(RESIDUAL);
        if (residualGrad != null) {
            double[] dresidual = data(residualGrad);
            double[] g = data(gated);
            for (int i = 0; i < dresidual.length; i++) {
                dresidual[i] += g[i];
            }
        }
    }
}
