package dev.striate.cuda.cudnn;

import dev.striate.core.backend.Precision;

/**
 * cuDNN's {@code cudnnMathType_t}. fp32 must be {@link #FMA}: with {@link #DEFAULT} cuDNN may run float convolutions
 * on TF32 tensor cores; tf32 and bf16 allow tensor cores with {@link #TENSOR_OP} (bf16 tensors need no conversion, so
 * not {@link #TENSOR_OP_ALLOW_CONVERSION}).
 */
public final class MathType {
    public static final int DEFAULT = 0;
    public static final int TENSOR_OP = 1;
    public static final int TENSOR_OP_ALLOW_CONVERSION = 2;
    public static final int FMA = 3;

    private MathType() {
    }

    public static int of(Precision precision) {
        return precision == Precision.FP32 ? FMA : TENSOR_OP;
    }
}
