package dev.striate.cpu.precision;

import static dev.striate.cpu.CpuBackend.data;

import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.Precision;
import dev.striate.core.op.Op;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.check.WrappedCpuBackend;
import java.util.List;

/**
 * The reference backend rounding what a CUDA backend of one precision rounds, so that what a correct GPU can differ
 * from the float64 reference is known without a GPU (docs/precision.md):
 * <ul>
 * <li>every value kept as F32 is rounded to float, every value kept as BF16 to bfloat16 (nearest even), whenever it
 * is written: by the host, by a kernel's forward (its output and the buffers it updates), by a backward (the
 * gradients it adds into), by an optimizer step;</li>
 * <li>bf16 keeps float activations and their gradients in BF16 as the CUDA backend's policy says
 * ({@link #storedType}): every producer but SoftmaxCrossEntropy, and the graph inputs; parameters, their gradients,
 * optimizer state, batch-norm statistics and the loss stay F32;</li>
 * <li>conv and GEMM operands (input, weight, output gradient) are rounded to the precision's operand format (TF32 for
 * tf32, bf16 for bf16, float for fp32) before the reference kernel runs ({@link RoundingKernel}).</li>
 * </ul>
 * Accumulation is exact (float64), where a GPU accumulates in fp32 in an order of its own: the emulation is closer to
 * the reference than a correct GPU by fp32's accumulation error, which is small against TF32's and bf16's rounding.
 */
public final class EmulatedPrecisionBackend extends WrappedCpuBackend {
    private final Precision precision;
    private final Rounding operands;
    private final Rounding bf16Store;
    private final KernelBug bug;

    /**
     * @param operands  how conv/GEMM operands are rounded
     * @param bf16Store how a BF16 value is rounded when stored (BF16, or a planted truncating store)
     * @param bug       a planted kernel bug, or {@link KernelBug#NONE}
     */
    public EmulatedPrecisionBackend(Precision precision, Rounding operands, Rounding bf16Store, KernelBug bug) {
        this.precision = precision;
        this.operands = operands;
        this.bf16Store = bf16Store;
        this.bug = bug;
    }

    /** A correct GPU of that precision: TF32 operands for tf32, bf16 operands and storage for bf16. */
    public static EmulatedPrecisionBackend of(Precision precision) {
        return withBug(precision, KernelBug.NONE);
    }

    public static EmulatedPrecisionBackend withBug(Precision precision, KernelBug bug) {
        return new EmulatedPrecisionBackend(precision, operandRounding(precision), Rounding.BF16, bug);
    }

    /** The format a GPU of that precision hands conv and GEMM operands to its math units in. */
    public static Rounding operandRounding(Precision precision) {
        return switch (precision) {
            case FP32 -> Rounding.FLOAT;
            case TF32 -> Rounding.TF32;
            case BF16 -> Rounding.BF16;
        };
    }

    @Override
    public String description() {
        return "cpu emulating cuda " + precision.flagValue() + " (operands " + operands + ", bf16 stores "
                + bf16Store + (bug == KernelBug.NONE ? "" : ", planted " + bug.description()) + ")";
    }

    /** The CUDA backend's policy: in bf16 float activations are BF16, except the loss. */
    @Override
    public DType storedType(DType declared, Op producer) {
        boolean narrowed = precision == Precision.BF16 && declared == DType.F32
                && !(producer instanceof SoftmaxCrossEntropy);
        return narrowed ? DType.BF16 : declared;
    }

    /** How a value of this tensor's type is rounded when stored. */
    Rounding storage(Tensor tensor) {
        return switch (tensor.dtype()) {
            case F32 -> Rounding.FLOAT;
            case BF16 -> bf16Store;
            default -> Rounding.NONE;
        };
    }

    void roundStored(Tensor tensor) {
        storage(tensor).roundInPlace(data(tensor));
    }

    Rounding operands() {
        return operands;
    }

    Rounding bf16Store() {
        return bf16Store;
    }

    @Override
    public void write(Tensor destination, double[] values) {
        super.write(destination, values);
        roundStored(destination);
    }

    @Override
    public void write(Tensor destination, float[] values) {
        super.write(destination, values);
        roundStored(destination);
    }

    @Override
    public void convert(Tensor source, Tensor destination) {
        write(destination, read(source));
    }

    @Override
    public void fill(Tensor tensor, double value) {
        super.fill(tensor, value);
        roundStored(tensor);
    }

    @Override
    public void scale(Tensor tensor, double factor) {
        super.scale(tensor, factor);
        roundStored(tensor);
    }

    @Override
    public void applyUpdate(UpdateRule rule, double learningRate, long step, Tensor param, Tensor grad,
                            List<Tensor> state) {
        super.applyUpdate(rule, learningRate, step, param, grad, state);
        roundStored(param);
        state.forEach(this::roundStored);
    }

    @Override
    public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
        return bug.wrap(opClass, new RoundingKernel<>(delegate.kernel(opClass), this), this);
    }
}
