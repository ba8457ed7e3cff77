package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Add;
import dev.striate.core.tensor.Tensor;

/** y = x_1 + ... + x_n; each input's gradient is dL/dy. */
public final class AddKernel implements Kernel<Add> {
    @Override
    public Object forward(Add op, ForwardCall call) {
        double[] y = data(call.output());
        for (int i = 0; i < y.length; i++) {
            double sum = 0;
            for (Tensor input : call.inputs()) {
                sum += data(input)[i];
            }
            y[i] = sum;
        }
        return null;
    }

    @Override
    public void backward(Add op, BackwardCall call) {
        double[] dy = data(call.outputGrad());
        for (Tensor inputGrad : call.inputGrads()) {
            if (inputGrad == null) {
                continue;
            }
            double[] dx = data(inputGrad);
            for (int i = 0; i < dx.length; i++) {
                dx[i] += dy[i];
            }
        }
    }
}
