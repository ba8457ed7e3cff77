package dev.striate.cuda.kernel;

import dev.striate.core.backend.Precision;
import dev.striate.core.tensor.DType;
import dev.striate.cuda.ActivationLayout;

/**
 * The three combinations the kernels are tested in: a precision and the layout of its rank-4 bf16 activations (float;
 * bf16; bf16 channels-last).
 */
enum Work {
    FP32(Precision.FP32, ActivationLayout.NCHW),
    BF16(Precision.BF16, ActivationLayout.NCHW),
    BF16_NHWC(Precision.BF16, ActivationLayout.NHWC);

    private final Precision precision;
    private final ActivationLayout layout;

    Work(Precision precision, ActivationLayout layout) {
        this.precision = precision;
        this.layout = layout;
    }

    Precision precision() {
        return precision;
    }

    ActivationLayout layout() {
        return layout;
    }

    /** The type activations are stored in: BF16 in bf16 work, else F32. */
    DType activations() {
        return precision == Precision.BF16 ? DType.BF16 : DType.F32;
    }

    /** One word for the host program's labels ("<scenario> <tensor>"): fp32-NCHW, bf16-NCHW, bf16-NHWC. */
    String label() {
        return precision.flagValue() + "-" + layout;
    }
}
