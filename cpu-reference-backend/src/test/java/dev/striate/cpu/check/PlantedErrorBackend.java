package dev.striate.cpu.check;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.op.Op;
import dev.striate.cpu.CpuBackend;

/**
 * The reference backend with one planted bug in one op's kernel: its forward output, or one parameter gradient,
 * is off by {@code error} at one element, or its forward throws (as a CUDA error would). A parity check must catch
 * it, and only where that op runs.
 */
public final class PlantedErrorBackend extends WrappedCpuBackend {
    public enum Where { OUTPUT, FIRST_PARAMETER_GRADIENT, FORWARD_THROWS }

    private final Class<? extends Op> faultyOp;
    private final Where where;
    private final int element;
    private final double error;

    public PlantedErrorBackend(Class<? extends Op> faultyOp, Where where, int element, double error) {
        this.faultyOp = faultyOp;
        this.where = where;
        this.element = element;
        this.error = error;
    }

    @Override
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        Kernel<O> kernel = delegate.kernel(opClass);
        if (opClass != faultyOp) {
            return kernel;
        }
        return new WrappedKernel<>(kernel) {
            @Override
            public Object forward(O op, ForwardCall call) {
                if (where == Where.FORWARD_THROWS) {
                    throw new IllegalStateException("planted failure in " + op.getClass().getSimpleName());
                }
                Object saved = kernel.forward(op, call);
                if (where == Where.OUTPUT) {
                    CpuBackend.data(call.output())[element] += error;
                }
                return saved;
            }

            @Override
            public void backward(O op, BackwardCall call) {
                kernel.backward(op, call);
                if (where == Where.FIRST_PARAMETER_GRADIENT) {
                    CpuBackend.data(call.paramGrads().getFirst())[element] += error;
                }
            }
        };
    }
}
