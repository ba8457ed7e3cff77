package dev.striate.cpu.precision;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.MaxPool2d;
import dev.striate.core.op.Op;
import dev.striate.core.op.Window2d;
import dev.striate.cpu.check.WrappedKernel;
import java.util.Arrays;

/**
 * Kernel bugs a GPU port makes, each planted in one op of an otherwise correct emulated GPU: a parity metric for a
 * narrow precision must still fail them. (A bf16 store that truncates instead of rounding is a {@link Rounding},
 * {@link Rounding#BF16_TRUNCATED}.)
 */
public enum PlantedBug implements KernelBug {
    /** The convolution's bias is added by the GEMM epilogue and again by the bias kernel. */
    CONV_BIAS_ADDED_TWICE(Conv2d.class, "conv2d forward adds its bias twice") {
        @Override
        <O extends Op> Kernel<O> planted(Kernel<O> kernel, EmulatedPrecisionBackend backend) {
            return new WrappedKernel<>(kernel) {
                @Override
                public Object forward(O op, ForwardCall call) {
                    Object saved = kernel.forward(op, call);
                    if (((Conv2d) op).bias()) {
                        RoundingKernel.addBias(call.output(), data(call.params().get(1)));
                        backend.roundStored(call.output());
                    }
                    return saved;
                }
            };
        }
    },
    /** The input gradient is written with beta 0 instead of added with beta 1: fan-out gradients are lost. */
    CONV_INPUT_GRADIENT_OVERWRITTEN(Conv2d.class,
            "conv2d backward overwrites the input gradient instead of adding into it") {
        @Override
        <O extends Op> Kernel<O> planted(Kernel<O> kernel, EmulatedPrecisionBackend backend) {
            return new WrappedKernel<>(kernel) {
                @Override
                public void backward(O op, BackwardCall call) {
                    if (call.inputGrad() != null) {
                        Arrays.fill(data(call.inputGrad()), 0);
                    }
                    kernel.backward(op, call);
                }
            };
        }
    },
    /** The forward convolution is launched with stride 1 whatever the layer's stride (the output keeps its size). */
    CONV_STRIDE_IGNORED(Conv2d.class, "conv2d forward reads its input with stride 1") {
        @Override
        <O extends Op> Kernel<O> planted(Kernel<O> kernel, EmulatedPrecisionBackend backend) {
            return new WrappedKernel<>(kernel) {
                @Override
                @SuppressWarnings("unchecked")
                public Object forward(O op, ForwardCall call) {
                    Conv2d conv = (Conv2d) op;
                    Window2d w = conv.window();
                    Window2d strideOne = new Window2d(w.kernelH(), w.kernelW(), 1, 1, w.padTop(), w.padBottom(),
                            w.padLeft(), w.padRight(), w.dilationH(), w.dilationW());
                    return kernel.forward((O) new Conv2d(conv.outChannels(), strideOne, conv.groups(), conv.bias(),
                            conv.weightInit()), call);
                }
            };
        }
    },
    /** Max pooling's window loops stop one tap short in each direction (i < k - 1). */
    MAX_POOL_WINDOW_SHORT_BY_ONE(MaxPool2d.class, "max_pool2d's window loops stop one tap short") {
        @Override
        <O extends Op> Kernel<O> planted(Kernel<O> kernel, EmulatedPrecisionBackend backend) {
            return new WrappedKernel<>(kernel) {
                @Override
                public Object forward(O op, ForwardCall call) {
                    return kernel.forward(shortWindow(op), call);
                }

                @Override
                public void backward(O op, BackwardCall call) {
                    kernel.backward(shortWindow(op), call);
                }

                @SuppressWarnings("unchecked")
                private O shortWindow(O op) {
                    MaxPool2d pool = (MaxPool2d) op;
                    Window2d w = pool.window();
                    return (O) new MaxPool2d(new Window2d(Math.max(1, w.kernelH() - 1), Math.max(1, w.kernelW() - 1),
                            w.strideH(), w.strideW(), w.padTop(), w.padBottom(), w.padLeft(), w.padRight(),
                            w.dilationH(), w.dilationW()), pool.ceilMode());
                }
            };
        }
    };

    private final Class<? extends Op> op;
    private final String description;

    PlantedBug(Class<? extends Op> op, String description) {
        this.op = op;
        this.description = description;
    }

    @Override
    public String description() {
        return description;
    }

    /** The op the bug is in. */
    public Class<? extends Op> op() {
        return op;
    }

    @Override
    public <O extends Op> Kernel<O> wrap(Class<O> opClass, Kernel<O> kernel, EmulatedPrecisionBackend backend) {
        return opClass == op ? planted(kernel, backend) : kernel;
    }

    abstract <O extends Op> Kernel<O> planted(Kernel<O> kernel, EmulatedPrecisionBackend backend);
}
