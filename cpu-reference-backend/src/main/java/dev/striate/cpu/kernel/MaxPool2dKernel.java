package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Window2d;
import java.util.stream.IntStream;

/**
 * Max pooling, as PyTorch's {@code max_pool2d}: y[n,c,p,q] is the largest x[n,c,h,v] over the window's taps
 * h = p·sh - padTop + i·dh, v = q·sw - padLeft + j·dw; padding counts as minus infinity, so it never wins.
 * The whole gradient of an output goes to its argmax: the first maximum in row-major scan order, as PyTorch
 * (a NaN counts as a maximum, so it propagates).
 */
public final class MaxPool2dKernel implements Kernel<MaxPool2d> {
    /** Marks an output whose window holds only padding: its value is minus infinity and it passes no gradient. */
    private static final int NO_INPUT = -1;

    /** Returns, per output element, the flat input index of its argmax; backward sends the gradient there. */
    @Override
    public Object forward(MaxPool2d op, ForwardCall call) {
        ImageLayout in = ImageLayout.of(call.input().shape());
        ImageLayout out = ImageLayout.of(call.output().shape());
        Window2d k = op.window();
        double[] x = data(call.input());
        double[] y = data(call.output());
        int[] argmax = new int[y.length];
        // Batch items are independent and each writes only its own slices of y and argmax.
        IntStream.range(0, out.batch()).parallel().forEach(n -> {
            for (int c = 0; c < out.channels(); c++) {
                for (int p = 0; p < out.height(); p++) {
                    for (int q = 0; q < out.width(); q++) {
                        int best = NO_INPUT;
                        double max = Double.NEGATIVE_INFINITY;
                        for (int i = 0; i < k.kernelH(); i++) {
                            for (int j = 0; j < k.kernelW(); j++) {
                                int h = p * k.strideH() - k.padTop() + i * k.dilationH();
                                int v = q * k.strideW() - k.padLeft() + j * k.dilationW();
                                if (in.contains(h, v)) {
                                    int index = in.index(n, c, h, v);
                                    if (best == NO_INPUT || x[index] > max || Double.isNaN(x[index])) {
                                        best = index;
                                        max = x[index];
                                    }
                                }
                            }
                        }
                        int outIndex = out.index(n, c, p, q);
                        y[outIndex] = max;
                        argmax[outIndex] = best;
                    }
                }
            }
        });
        return argmax;
    }

    /** dL/dx[argmax of y[i]] += dL/dy[i]. */
    @Override
    public void backward(MaxPool2d op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        int[] argmax = (int[]) call.saved();
        double[] dy = data(call.outputGrad());
        double[] dx = data(call.inputGrad());
        for (int i = 0; i < dy.length; i++) {
            if (argmax[i] != NO_INPUT) {
                dx[argmax[i]] += dy[i];
            }
        }
    }
}
