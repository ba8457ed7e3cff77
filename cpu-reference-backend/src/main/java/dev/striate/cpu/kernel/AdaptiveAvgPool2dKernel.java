package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.AdaptiveAvgPool2d;

/**
 * Adaptive average pooling, as PyTorch's {@code adaptive_avg_pool2d}: y[n,c,p,q] is the mean of input rows
 * {@link AdaptiveAvgPool2d#windowStart} .. {@link AdaptiveAvgPool2d#windowEnd} - 1 of p (and the same for columns
 * of q). Backward gives each cell of a window dL/dy divided by the window's size; overlapping windows add up.
 */
public final class AdaptiveAvgPool2dKernel implements Kernel<AdaptiveAvgPool2d> {
    @Override
    public Object forward(AdaptiveAvgPool2d op, ForwardCall call) {
        ImageLayout in = ImageLayout.of(call.input().shape());
        ImageLayout out = ImageLayout.of(call.output().shape());
        double[] x = data(call.input());
        double[] y = data(call.output());
        for (int n = 0; n < out.batch(); n++) {
            for (int c = 0; c < out.channels(); c++) {
                for (int p = 0; p < out.height(); p++) {
                    int rowStart = AdaptiveAvgPool2d.windowStart(p, in.height(), out.height());
                    int rowEnd = AdaptiveAvgPool2d.windowEnd(p, in.height(), out.height());
                    for (int q = 0; q < out.width(); q++) {
                        int colStart = AdaptiveAvgPool2d.windowStart(q, in.width(), out.width());
                        int colEnd = AdaptiveAvgPool2d.windowEnd(q, in.width(), out.width());
                        double sum = 0;
                        for (int h = rowStart; h < rowEnd; h++) {
                            for (int v = colStart; v < colEnd; v++) {
                                sum += x[in.index(n, c, h, v)];
                            }
                        }
                        y[out.index(n, c, p, q)] = sum / ((rowEnd - rowStart) * (colEnd - colStart));
                    }
                }
            }
        }
        return null;
    }

    @Override
    public void backward(AdaptiveAvgPool2d op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ImageLayout in = ImageLayout.of(call.input().shape());
        ImageLayout out = ImageLayout.of(call.output().shape());
        double[] dy = data(call.outputGrad());
        double[] dx = data(call.inputGrad());
        for (int n = 0; n < out.batch(); n++) {
            for (int c = 0; c < out.channels(); c++) {
                for (int p = 0; p < out.height(); p++) {
                    int rowStart = AdaptiveAvgPool2d.windowStart(p, in.height(), out.height());
                    int rowEnd = AdaptiveAvgPool2d.windowEnd(p, in.height(), out.height());
                    for (int q = 0; q < out.width(); q++) {
                        int colStart = AdaptiveAvgPool2d.windowStart(q, in.width(), out.width());
                        int colEnd = AdaptiveAvgPool2d.windowEnd(q, in.width(), out.width());
                        double share = dy[out.index(n, c, p, q)] / ((rowEnd - rowStart) * (colEnd - colStart));
                        for (int h = rowStart; h < rowEnd; h++) {
                            for (int v = colStart; v < colEnd; v++) {
                                dx[in.index(n, c, h, v)] += share;
                            }
                        }
                    }
                }
            }
        }
    }
}
