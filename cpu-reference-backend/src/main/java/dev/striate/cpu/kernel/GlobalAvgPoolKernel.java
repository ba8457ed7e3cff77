package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.GlobalAvgPool;

/**
 * y[n,c] = (1 / (H·W)) Σ_{h,v} x[n,c,h,v]; backward gives every input cell dL/dy[n,c] / (H·W).
 */
public final class GlobalAvgPoolKernel implements Kernel<GlobalAvgPool> {
    @Override
    public Object forward(GlobalAvgPool op, ForwardCall call) {
        ImageLayout in = ImageLayout.of(call.input().shape());
        double[] x = data(call.input());
        double[] y = data(call.output());
        int cells = in.height() * in.width();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                double sum = 0;
                for (int h = 0; h < in.height(); h++) {
                    for (int v = 0; v < in.width(); v++) {
                        sum += x[in.index(n, c, h, v)];
                    }
                }
                y[n * in.channels() + c] = sum / cells;
            }
        }
        return null;
    }

    @Override
    public void backward(GlobalAvgPool op, BackwardCall call) {
        if (call.inputGrad() == null) {
            return;
        }
        ImageLayout in = ImageLayout.of(call.input().shape());
        double[] dy = data(call.outputGrad());
        double[] dx = data(call.inputGrad());
        int cells = in.height() * in.width();
        for (int n = 0; n < in.batch(); n++) {
            for (int c = 0; c < in.channels(); c++) {
                double share = dy[n * in.channels() + c] / cells;
                for (int h = 0; h < in.height(); h++) {
                    for (int v = 0; v < in.width(); v++) {
                        dx[in.index(n, c, h, v)] += share;
                    }
                }
            }
        }
    }
}
