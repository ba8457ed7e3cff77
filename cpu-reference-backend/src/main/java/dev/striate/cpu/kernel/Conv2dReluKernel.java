package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.op.Conv2dRelu;

/**
 * y = max(conv(x) + b, 0): the convolution's own kernel (bias included), then the clamp in place. Backward:
 * g' = dL/dy · [y > 0], then the convolution's backward with g' (dx, dw, db).
 */
public final class Conv2dReluKernel implements Kernel<Conv2dRelu> {
    private final Conv2dKernel conv = new Conv2dKernel();

    @Override
    public Object prepare(Conv2dRelu op, NodeSignature signature) {
        return conv.prepare(op.conv(), signature);
    }

    @Override
    public Object forward(Conv2dRelu op, ForwardCall call) {
        Object saved = conv.forward(op.conv(), call);
        ReluEnding.clampInPlace(call.output(), Double.POSITIVE_INFINITY);
        return saved;
    }

    @Override
    public void backward(Conv2dRelu op, BackwardCall call) {
        conv.backward(op.conv(),
                ReluEnding.innerCall(call, ReluEnding.gatedGradient(call, Double.POSITIVE_INFINITY)));
    }
}
