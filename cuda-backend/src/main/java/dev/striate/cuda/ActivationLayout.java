package dev.striate.cuda;

import dev.striate.core.backend.Precision;
import dev.striate.core.tensor.Shape;
import java.util.Locale;

/**
 * How the CUDA backend lays out a rank-4 activation [N, C, H, W] stored as bf16: NCHW, as every other tensor and as the
 * reference, or NHWC (channels last), the layout cuDNN's bf16 tensor-core convolutions read and write without
 * transposing (PyTorch's bf16 training runs channels-last for the same reason). Only the memory order changes: a
 * tensor's shape stays [N, C, H, W], reads and writes from the host see NCHW order, and every kernel gives the same
 * results in both. fp32 and tf32 work, parameters (fp32 masters) and tensors of other ranks are always NCHW.
 *
 * <p>bf16 work is channels-last unless {@value #SETTING} says {@code nchw} (so that the two can be measured against
 * each other on one GPU, or NCHW kept should channels-last misbehave on some GPU).
 */
public enum ActivationLayout {
    NCHW,
    NHWC;

    /** The environment variable that chooses the layout of bf16 work. */
    public static final String SETTING = "STRIATE_CUDA_LAYOUT";

    /**
     * The layout of rank-4 bf16 activations in {@code precision}'s work: {@code setting} ({@value #SETTING}'s value,
     * null when unset), else NHWC for bf16 and NCHW for fp32 and tf32, whose activations are float.
     *
     * @throws IllegalArgumentException naming the setting, for a value other than nchw or nhwc, or nhwc outside bf16
     */
    public static ActivationLayout forWork(Precision precision, String setting) {
        if (setting == null || setting.isBlank()) {
            return precision == Precision.BF16 ? NHWC : NCHW;
        }
        ActivationLayout chosen = switch (setting.strip().toLowerCase(Locale.ROOT)) {
            case "nchw" -> NCHW;
            case "nhwc" -> NHWC;
            default -> throw new IllegalArgumentException(SETTING + "=" + setting + " is not a layout: use nchw or"
                    + " nhwc, or unset it");
        };
        if (chosen == NHWC && precision != Precision.BF16) {
            throw new IllegalArgumentException(SETTING + "=nhwc applies to bf16 work only: use --precision bf16, or"
                    + " unset " + SETTING + " for " + precision.flagValue());
        }
        return chosen;
    }

    /** Whether a tensor of this shape lies in this layout's order (rank 4); any other rank is the same in both. */
    public boolean reorders(Shape shape) {
        return this == NHWC && shape.rank() == 4;
    }

    /** {@code logical} (NCHW order, as the host reads and writes) in this layout's memory order. */
    public double[] toMemoryOrder(Shape shape, double[] logical) {
        return reorders(shape) ? reordered(shape, logical, true) : logical;
    }

    /** {@code memory} (this layout's order) in NCHW order. */
    public double[] toLogicalOrder(Shape shape, double[] memory) {
        return reorders(shape) ? reordered(shape, memory, false) : memory;
    }

    /** Values of a rank-4 shape moved from NCHW to NHWC order ({@code toChannelsLast}) or back. */
    private static double[] reordered(Shape shape, double[] values, boolean toChannelsLast) {
        int n = shape.dim(0);
        int c = shape.dim(1);
        int s = shape.dim(2) * shape.dim(3);
        double[] result = new double[values.length];
        for (int item = 0; item < n; item++) {
            for (int channel = 0; channel < c; channel++) {
                for (int cell = 0; cell < s; cell++) {
                    int nchw = (item * c + channel) * s + cell;
                    int nhwc = (item * s + cell) * c + channel;
                    if (toChannelsLast) {
                        result[nhwc] = values[nchw];
                    } else {
                        result[nchw] = values[nhwc];
                    }
                }
            }
        }
        return result;
    }
}
