package dev.striate.core.check;

import dev.striate.core.backend.Precision;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Relative error per element with a floor: error[i] = |actual[i] - expected[i]| / max(|actual[i]|, |expected[i]|,
 * absoluteFloor, rmsFloor · max(RMS(expected), relatedScale)), and a tensor passes when its largest error is at most
 * the tolerance ({@link TensorComparison} says what the related scale is).
 * <p>
 * The RMS term is for narrow precisions: a conv output near zero made of large terms carries the rounding error of
 * those terms (bf16 operands have 8 significant bits), so its error relative to itself is large on a correct GPU. The
 * floor measures such an element against the size of the tensor's values instead, as cuDNN's and cuBLAS's tests
 * measure error against a tensor's norm; an element of typical size is still held to the tolerance relative to
 * itself. RMS is over the reference's tensor, so a wrong candidate cannot widen its own floor. Selftest uses the floor
 * in every precision ({@link #forPrecision}); {@link #elementwise} is the plain error without it, for checks between
 * two float64 backends. docs/precision.md has the measurements behind each precision's numbers.
 */
public record ParityMetric(double absoluteFloor, double rmsFloor, double tolerance) implements TensorComparison {
    public static final double ABSOLUTE_FLOOR = 1e-3;

    /** |a - b| / max(|a|, |b|, 1e-3), without the RMS floor. */
    public static ParityMetric elementwise(double tolerance) {
        return new ParityMetric(ABSOLUTE_FLOOR, 0, tolerance);
    }

    /**
     * The metric and tolerance a GPU of that precision is held to against the float64 reference, per single-op case.
     * Over 30 seeds the CPU emulation of a correct GPU reaches at most 3.9e-7 (fp32), 8.8e-8 (tf32: the drawn values
     * are exact TF32 operands) and 2.3e-2 (bf16, sigmoid's gradient) in any single-op case (docs/precision.md).
     */
    public static ParityMetric forPrecision(Precision precision) {
        return switch (precision) {
            case FP32 -> new ParityMetric(ABSOLUTE_FLOOR, 1, 1e-4);
            case TF32 -> new ParityMetric(ABSOLUTE_FLOOR, 1, 5e-3);
            case BF16 -> new ParityMetric(ABSOLUTE_FLOOR, 1, 3e-2);
        };
    }

    /**
     * The same for composite graphs of several ops, whose batch norms in training over 18 to 32 values amplify
     * rounding: with selftest's seed the emulation reaches 7.3e-3 (tf32) and 3.1e-2 (bf16) in the ShuffleNet unit,
     * and 3e-6 (fp32) over 30 seeds. A wiring bug (a lost fan-out gradient, a wrong concat offset) is off by O(1).
     */
    public static ParityMetric forComposites(Precision precision) {
        return switch (precision) {
            case FP32 -> forPrecision(precision);
            case TF32 -> new ParityMetric(ABSOLUTE_FLOOR, 1, 2e-2);
            case BF16 -> new ParityMetric(ABSOLUTE_FLOOR, 1, 1e-1);
        };
    }

    /** The formula, for selftest's output. */
    public String description() {
        String floor = rmsFloor == 0 ? format(absoluteFloor)
                : format(absoluteFloor) + ", " + (rmsFloor == 1 ? "" : format(rmsFloor) + "·") + "RMS(ref)";
        return "|a-b| / max(|a|, |b|, " + floor + ") <= " + format(tolerance);
    }

    /** 0.5 as 0.5, 0.03 as 3e-2, 0.025 as 2.5e-2. */
    public static String format(double value) {
        if (value >= 0.1) {
            return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        }
        String scientific = String.format(Locale.ROOT, "%.2e", value);
        int e = scientific.indexOf('e');
        String mantissa = scientific.substring(0, e).replaceAll("\\.?0+$", "");
        return mantissa + "e" + Integer.parseInt(scientific.substring(e + 1));
    }

    @Override
    public ParityRow compare(String what, double[] expected, double[] actual, double relatedScale) {
        double floor = Math.max(absoluteFloor,
                rmsFloor == 0 ? 0 : rmsFloor * Math.max(rootMeanSquare(expected), relatedScale));
        double worst = 0;
        int worstIndex = 0;
        for (int i = 0; i < expected.length; i++) {
            double denominator = Math.max(floor, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
            double error = Math.abs(actual[i] - expected[i]) / denominator;
            if (Double.isNaN(error)) {
                error = Double.POSITIVE_INFINITY;
            }
            if (error > worst) {
                worst = error;
                worstIndex = i;
            }
        }
        boolean empty = expected.length == 0;
        return new ParityRow(what, worst, worstIndex, empty ? 0 : expected[worstIndex],
                empty ? 0 : actual[worstIndex], worst <= tolerance);
    }

    /** sqrt(Σ x² / n); 0 for an empty tensor. */
    public static double rootMeanSquare(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double sum = 0;
        for (double value : values) {
            sum += value * value;
        }
        return Math.sqrt(sum / values.length);
    }
}
