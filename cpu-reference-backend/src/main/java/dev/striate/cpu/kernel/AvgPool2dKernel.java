package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.AvgPool2d;
import dev.striate.core.op.Window2d;
import java.util.stream.IntStream;

/**
 * Average pooling, as PyTorch's {@code avg_pool2d}: y[n,c,p,q] is the sum of the window's input cells divided by
 * the window's divisor. The window covers rows p·sh - padTop .. + kh - 1 and the like for columns. With
 * count_include_pad the divisor counts padded cells too, but not the cells beyond the bottom and right padding
 * that ceil mode can add; without it the divisor is the number of input cells in the window.
 * Backward gives each input cell of a window dL/dy divided by that window's divisor.
 */
public final class AvgPool2dKernel implements Kernel<AvgPool2d> {
    /** One output's window, clipped to the input, and the number its sum is divided by. */
    private record Cell(int rowStart, int rowEnd, int colStart, int colEnd, int divisor) {
    }

    @Override
    public Object forward(AvgPool2d op, ForwardCall call) {
        ImageLayout in = ImageLayout.of(call.input().shape());
        ImageLayout out = ImageLayout.of(call.output().shape());
        double[] x = data(call.input());
        double[] y = data(call.output());
        // Batch items are independent and each writes only its own slice of y.
        IntStream.range(0, out.batch()).parallel().forEach(n -> {
            for (int c = 0; c < out.channels(); c++) {
                for (int p = 0; p < out.height(); p++) {
                    for (int q = 0; q < out.width(); q++) {
                        Cell cell = cell(op, in, p, q);
                        double sum = 0;
                        for (int h = cell.rowStart(); h < cell.rowEnd(); h++) {
                            for (int v = cell.colStart(); v < cell.colEnd(); v++) {
                                sum += x[in.index(n, c, h, v)];
                            }
                        }
                        y[out.index(n, c, p, q)] = cell.divisor() == 0 ? 0 : sum / cell.divisor();
                    }
                }
            }
        });
        return null;
    }

    @Override
    public void backward(AvgPool2d op, BackwardCall call) {
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
                    for (int q = 0; q < out.width(); q++) {
                        Cell cell = cell(op, in, p, q);
                        if (cell.divisor() == 0) {
                            continue;
                        }
                        double share = dy[out.index(n, c, p, q)] / cell.divisor();
                        for (int h = cell.rowStart(); h < cell.rowEnd(); h++) {
                            for (int v = cell.colStart(); v < cell.colEnd(); v++) {
                                dx[in.index(n, c, h, v)] += share;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * PyTorch's rule: the window [start, start + k) is first cut at the end of the bottom (right) padding, which
     * gives the count_include_pad divisor, then clipped to the input, which gives the cells summed and the
     * divisor without padding. A window with no input cell (not possible under the op's padding rules) has
     * divisor 0 and outputs 0.
     */
    private static Cell cell(AvgPool2d op, ImageLayout in, int p, int q) {
        Window2d k = op.window();
        int rowStart = p * k.strideH() - k.padTop();
        int colStart = q * k.strideW() - k.padLeft();
        int rowEnd = Math.min(rowStart + k.kernelH(), in.height() + k.padBottom());
        int colEnd = Math.min(colStart + k.kernelW(), in.width() + k.padRight());
        int paddedCount = (rowEnd - rowStart) * (colEnd - colStart);
        rowStart = Math.max(rowStart, 0);
        colStart = Math.max(colStart, 0);
        rowEnd = Math.min(rowEnd, in.height());
        colEnd = Math.min(colEnd, in.width());
        if (rowStart >= rowEnd || colStart >= colEnd) {
            return new Cell(rowStart, rowStart, colStart, colStart, 0);
        }
        int inputCount = (rowEnd - rowStart) * (colEnd - colStart);
        return new Cell(rowStart, rowEnd, colStart, colEnd, op.countIncludePad() ? paddedCount : inputCount);
    }
}
