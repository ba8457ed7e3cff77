package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.BatchNormRelu;

/**
 * y = min(max(bn(x), 0), ceiling): the batch norm's own kernel (statistics, running buffers and all), then the clamp
 * in place. Backward: g' = dL/dy · [0 < y < ceiling], then the batch norm's backward with g' (dγ, dβ, dx).
 */
public final class BatchNormReluKernel implements Kernel<BatchNormRelu> {
    private final BatchNormKernel norm = new BatchNormKernel();

    @Override
    public Object prepare(BatchNormRelu op, NodeSignature signature) {
        return norm.prepare(op.norm(), signature);
    }

    /** Returns what the batch norm's forward saved (the statistics it normalized with). */
    @Override
    public Object forward(BatchNormRelu op, ForwardCall call) {
        Object statistics = norm.forward(op.norm(), call);
        ReluEnding.clampInPlace(call.output(), op.ceiling());
        return statistics;
    }

    @Override
    public void backward(BatchNormRelu op, BackwardCall call) {
        norm.backward(op.norm(), ReluEnding.innerCall(call, ReluEnding.gatedGradient(call, op.ceiling())));
    }
}
