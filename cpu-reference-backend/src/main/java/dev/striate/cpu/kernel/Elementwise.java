package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.util.function.DoubleUnaryOperator;

/** The loop the elementwise activations share: y = f(x) forward, dL/dx += dL/dy · f'(x) backward. */
final class Elementwise {
    /** f'(x), given x and y = f(x) (sigmoid and tanh read their derivative off y). */
    interface Derivative {
        double at(double x, double y);
    }

    private Elementwise() {
    }

    static void forward(ForwardCall call, DoubleUnaryOperator function) {
        double[] x = CpuBackend.data(call.input());
        double[] y = CpuBackend.data(call.output());
        for (int i = 0; i < x.length; i++) {
            y[i] = function.applyAsDouble(x[i]);
        }
    }

    static void backward(BackwardCall call, Derivative derivative) {
        Tensor inputGrad = call.inputGrad();
        if (inputGrad == null) {
            return;
        }
        double[] x = CpuBackend.data(call.input());
        double[] y = CpuBackend.data(call.output());
        double[] dy = CpuBackend.data(call.outputGrad());
        double[] dx = CpuBackend.data(inputGrad);
        for (int i = 0; i < x.length; i++) {
            dx[i] += dy[i] * derivative.at(x[i], y[i]);
        }
    }
}
