package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Dropout;
import dev.striate.core.op.DropoutMask;

/**
 * Inverted dropout: y_i = x_i · m_i with m_i = 1/(1-p) where {@link DropoutMask#keep} keeps element i and 0 where
 * it drops it; m_i = 1 in evaluation. Backward recomputes the same mask from seed, node, step and index, so
 * nothing is stored: dL/dx_i = dL/dy_i · m_i.
 */
public final class DropoutKernel implements Kernel<Dropout> {
    @Override
    public Object forward(Dropout op, ForwardCall call) {
        double[] x = data(call.input());
        double[] y = data(call.output());
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * multiplier(op, call.context(), call.nodeId(), i);
        }
        return null;
    }

    @Override
    public void backward(Dropout op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        double[] dy = data(call.outputGrad());
        double[] dx = data(call.inputGrad());
        for (int i = 0; i < dx.length; i++) {
            dx[i] += dy[i] * multiplier(op, call.context(), call.nodeId(), i);
        }
    }

    private static double multiplier(Dropout op, RunContext context, long nodeId, int index) {
        if (!context.training()) {
            return 1;
        }
        boolean kept = DropoutMask.keep(op.p(), context.seed(), nodeId, context.step(), index);
        return kept ? 1 / (1 - op.p()) : 0;
    }
}
