package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBuffer;

/**
 * The ReLU a fused node ends with, clamped at {@code ceiling} (infinite for ReLU, 6 for ReLU6): forward clamps the
 * inner op's output in place, y = min(max(v, 0), ceiling); backward gates the incoming gradient,
 * g' = dL/dy · [0 < y < ceiling] (0 at the kinks, as ReLU and ReLU6 alone), and hands g' to the inner op's backward
 * as if it were that op's own output gradient.
 */
final class ReluEnding {
    private ReluEnding() {
    }

    static void clampInPlace(Tensor output, double ceiling) {
        double[] y = data(output);
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.min(Math.max(y[i], 0), ceiling);
        }
    }

    /** g' = dL/dy · [0 < y < ceiling], in a new tensor shaped like the output. */
    static Tensor gatedGradient(BackwardCall call, double ceiling) {
        double[] y = data(call.output());
        double[] dy = data(call.outputGrad());
        double[] gated = new double[dy.length];
        for (int i = 0; i < dy.length; i++) {
            gated[i] = y[i] > 0 && y[i] < ceiling ? dy[i] : 0;
        }
        return new Tensor(call.outputGrad().shape(), call.outputGrad().dtype(), new CpuBuffer(gated));
    }

    /**
     * The inner op's backward call: the fused node's first input (x, the one input of a batch norm or convolution)
     * and its gradient, the same parameters, what the inner forward saved, and g' as the output gradient. Gradients
     * are added into.
     */
    static BackwardCall innerCall(BackwardCall call, Tensor gatedGradient) {
        return new BackwardCall(call.inputs().subList(0, 1), call.params(), call.output(), gatedGradient,
                call.inputGrads().subList(0, 1), call.paramGrads(), call.context(), call.nodeId(), call.saved(),
                call.prepared());
    }
}
