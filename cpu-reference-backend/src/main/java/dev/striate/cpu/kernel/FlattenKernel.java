package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Flatten;

/** [N, C, H, W] to [N, C·H·W]: the elements keep their NCHW order, so forward and backward are copies. */
public final class FlattenKernel implements Kernel<Flatten> {
    @Override
    public Object forward(Flatten op, ForwardCall call) {
        double[] x = data(call.input());
        double[] y = data(call.output());
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i];
        }
        return null;
    }

    @Override
    public void backward(Flatten op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        double[] dy = data(call.outputGrad());
        double[] dx = data(call.inputGrad());
        for (int i = 0; i < dx.length; i++) {
            dx[i] += dy[i];
        }
    }
}
