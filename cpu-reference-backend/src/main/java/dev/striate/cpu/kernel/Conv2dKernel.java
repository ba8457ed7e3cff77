package dev.striate.cpu.kernel;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Tensor;
import java.util.stream.IntStream;

/**
 * 2-D cross-correlation, as PyTorch's {@code conv2d}: output channel o belongs to group g = o / (O/G) and reads
 * input channels g·C/G .. (g+1)·C/G - 1;
 * y[n,o,p,q] = b[o] + Σ_{ci,i,j} x[n, g·C/G + ci, p·sh - padTop + i·dh, q·sw - padLeft + j·dw] · w[o,ci,i,j],
 * where taps that fall in the padding read zero. Backward spreads dL/dy back along the same taps.
 */
public final class Conv2dKernel implements Kernel<Conv2d> {
    private static final int WEIGHT = 0;
    private static final int BIAS = 1;

    @Override
    public Object forward(Conv2d op, ForwardCall call) {
        ImageLayout in = ImageLayout.of(call.input().shape());
        ImageLayout out = ImageLayout.of(call.output().shape());
        Window2d k = op.window();
        int inPerGroup = in.channels() / op.groups();
        int outPerGroup = out.channels() / op.groups();
        double[] x = data(call.input());
        double[] w = data(call.params().get(WEIGHT));
        double[] b = op.bias() ? data(call.params().get(BIAS)) : null;
        double[] y = data(call.output());
        // Batch items are independent and each writes only its own slice of y.
        IntStream.range(0, out.batch()).parallel().forEach(n -> {
            for (int o = 0; o < out.channels(); o++) {
                int firstInput = (o / outPerGroup) * inPerGroup;
                for (int p = 0; p < out.height(); p++) {
                    for (int q = 0; q < out.width(); q++) {
                        double sum = b == null ? 0 : b[o];
                        for (int ci = 0; ci < inPerGroup; ci++) {
                            for (int i = 0; i < k.kernelH(); i++) {
                                for (int j = 0; j < k.kernelW(); j++) {
                                    int h = p * k.strideH() - k.padTop() + i * k.dilationH();
                                    int v = q * k.strideW() - k.padLeft() + j * k.dilationW();
                                    if (in.contains(h, v)) {
                                        sum += x[in.index(n, firstInput + ci, h, v)]
                                                * w[weightIndex(k, inPerGroup, o, ci, i, j)];
                                    }
                                }
                            }
                        }
                        y[out.index(n, o, p, q)] = sum;
                    }
                }
            }
        });
        return null;
    }

    @Override
    public void backward(Conv2d op, BackwardCall call) {
        if (call.inputGrad() != null) {
            inputGradient(op, call);
        }
        if (call.paramGrads().get(WEIGHT) != null) {
            weightGradient(op, call, call.paramGrads().get(WEIGHT));
        }
        if (op.bias() && call.paramGrads().get(BIAS) != null) {
            biasGradient(call, call.paramGrads().get(BIAS));
        }
    }

    /** dL/dx[n,c,h,v] += Σ over the outputs whose tap (i, j) read (h, v): dL/dy[n,o,p,q] · w[o,ci,i,j]. */
    private static void inputGradient(Conv2d op, BackwardCall call) {
        ImageLayout in = ImageLayout.of(call.input().shape());
        ImageLayout out = ImageLayout.of(call.output().shape());
        Window2d k = op.window();
        int inPerGroup = in.channels() / op.groups();
        int outPerGroup = out.channels() / op.groups();
        double[] w = data(call.params().get(WEIGHT));
        double[] dy = data(call.outputGrad());
        double[] dx = data(call.inputGrad());
        // Each batch item adds only into its own slice of dx, in a fixed order: parallel and still deterministic.
        IntStream.range(0, out.batch()).parallel().forEach(n -> {
            for (int o = 0; o < out.channels(); o++) {
                int firstInput = (o / outPerGroup) * inPerGroup;
                for (int p = 0; p < out.height(); p++) {
                    for (int q = 0; q < out.width(); q++) {
                        double gradient = dy[out.index(n, o, p, q)];
                        for (int ci = 0; ci < inPerGroup; ci++) {
                            for (int i = 0; i < k.kernelH(); i++) {
                                for (int j = 0; j < k.kernelW(); j++) {
                                    int h = p * k.strideH() - k.padTop() + i * k.dilationH();
                                    int v = q * k.strideW() - k.padLeft() + j * k.dilationW();
                                    if (in.contains(h, v)) {
                                        dx[in.index(n, firstInput + ci, h, v)] +=
                                                gradient * w[weightIndex(k, inPerGroup, o, ci, i, j)];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * dL/dw[o,ci,i,j] += Σ_{n,p,q} dL/dy[n,o,p,q] · x[n, g·C/G + ci, tap (i, j) of (p, q)], summed in one fixed
     * order so that the result does not depend on thread timing.
     */
    private static void weightGradient(Conv2d op, BackwardCall call, Tensor weightGrad) {
        ImageLayout in = ImageLayout.of(call.input().shape());
        ImageLayout out = ImageLayout.of(call.output().shape());
        Window2d k = op.window();
        int inPerGroup = in.channels() / op.groups();
        int outPerGroup = out.channels() / op.groups();
        double[] x = data(call.input());
        double[] dy = data(call.outputGrad());
        double[] dw = data(weightGrad);
        for (int n = 0; n < out.batch(); n++) {
            for (int o = 0; o < out.channels(); o++) {
                int firstInput = (o / outPerGroup) * inPerGroup;
                for (int p = 0; p < out.height(); p++) {
                    for (int q = 0; q < out.width(); q++) {
                        double gradient = dy[out.index(n, o, p, q)];
                        for (int ci = 0; ci < inPerGroup; ci++) {
                            for (int i = 0; i < k.kernelH(); i++) {
                                for (int j = 0; j < k.kernelW(); j++) {
                                    int h = p * k.strideH() - k.padTop() + i * k.dilationH();
                                    int v = q * k.strideW() - k.padLeft() + j * k.dilationW();
                                    if (in.contains(h, v)) {
                                        dw[weightIndex(k, inPerGroup, o, ci, i, j)] +=
                                                gradient * x[in.index(n, firstInput + ci, h, v)];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** dL/db[o] += Σ_{n,p,q} dL/dy[n,o,p,q]. */
    private static void biasGradient(BackwardCall call, Tensor biasGrad) {
        ImageLayout out = ImageLayout.of(call.output().shape());
        double[] dy = data(call.outputGrad());
        double[] db = data(biasGrad);
        for (int n = 0; n < out.batch(); n++) {
            for (int o = 0; o < out.channels(); o++) {
                for (int p = 0; p < out.height(); p++) {
                    for (int q = 0; q < out.width(); q++) {
                        db[o] += dy[out.index(n, o, p, q)];
                    }
                }
            }
        }
    }

    /** The flat index of w[o, ci, i, j] in the weight [O, C/G, kh, kw]. */
    private static int weightIndex(Window2d k, int inPerGroup, int o, int ci, int i, int j) {
        return ((o * inPerGroup + ci) * k.kernelH() + i) * k.kernelW() + j;
    }
}
