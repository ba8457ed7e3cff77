package dev.striate.cpu.kernel;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.util.function.DoubleUnaryOperator;

/**
 * The loops the elementwise activations share: y = f(x) forward, dL/dx += dL/dy · f'(x) backward, with f'(x) read
 * off x (ELU) or off y = f(x) (ReLU, ReLU6, sigmoid, tanh). Each backward reads only the one it needs, as
 * {@link dev.striate.core.op.BackwardReads} allows.
 */
final class Elementwise {
    private Elementwise() {
    }

    static void forward(ForwardCall call, DoubleUnaryOperator function) {
        double[] x = CpuBackend.data(call.input());
        double[] y = CpuBackend.data(call.output());
        for (int i = 0; i < x.length; i++) {
            y[i] = function.applyAsDouble(x[i]);
        }
    }

    /** dL/dx += dL/dy · derivative(x). */
    static void backwardFromInput(BackwardCall call, DoubleUnaryOperator derivative) {
        backward(call, call.input(), derivative);
    }

    /** dL/dx += dL/dy · derivative(y), the derivative written in terms of the output. */
    static void backwardFromOutput(BackwardCall call, DoubleUnaryOperator derivative) {
        backward(call, call.output(), derivative);
    }

    private static void backward(BackwardCall call, Tensor argument, DoubleUnaryOperator derivative) {
        Tensor inputGrad = call.inputGrad();
        if (inputGrad == null) {
            return;
        }
        double[] a = CpuBackend.data(argument);
        double[] dy = CpuBackend.data(call.outputGrad());
        double[] dx = CpuBackend.data(inputGrad);
        for (int i = 0; i < a.length; i++) {
            dx[i] += dy[i] * derivative.applyAsDouble(a[i]);
        }
    }
}
