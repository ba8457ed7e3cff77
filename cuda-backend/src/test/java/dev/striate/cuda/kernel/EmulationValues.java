package dev.striate.cuda.kernel;

import dev.striate.core.io.HalfPrecision;
import dev.striate.core.tensor.DType;

/**
 * Inputs for the host-emulation tests, and their comparison of float or bf16 results with the float64 reference.
 *
 * <p>Tolerances. Float kernels against the float64 reference: 1e-5 + 1e-4·|ref| (float arithmetic on a few dozen
 * terms). A bf16 result is that float computation (on the same, exactly held bf16 inputs) rounded to bf16 once when
 * stored; bf16 keeps 8 significant bits, so rounding to nearest moves a value v by at most half a unit in the last
 * place, 2^-8·2^floor(log2 |v|) ≤ 2^-8·|v|. Hence |bf16 - ref| ≤ t + 2^-8·(|ref| + t), t the float tolerance. A store
 * that truncates instead of rounding is off by up to a whole unit, 2^-7·|v|, and fails wherever it drops more than
 * about half of one.
 */
final class EmulationValues {
    /** The largest relative change of one round to nearest bf16: half a unit in the last of 8 significant bits. */
    static final double BF16_ROUNDING = 0x1p-8;

    private EmulationValues() {
    }

    /** amplitude·sin(frequency·i + phase), as floats: inputs every backend holds exactly. */
    static float[] wave(long count, double frequency, double phase, double amplitude) {
        float[] values = new float[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (amplitude * Math.sin(frequency * i + phase));
        }
        return values;
    }

    /**
     * The values as a tensor of {@code stored} type holds them: rounded to nearest bf16 for BF16, as they are for
     * F32, so the reference is fed exactly what the kernels read and input rounding is not counted as their error.
     */
    static float[] storedAs(DType stored, float[] values) {
        if (stored != DType.BF16) {
            return values;
        }
        float[] rounded = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = (float) HalfPrecision.fromBf16Bits(HalfPrecision.toBf16Bits(values[i]));
        }
        return rounded;
    }

    static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }

    /** Every element of a float result within 1e-5 + 1e-4·|reference|. */
    static void assertClose(String label, double[] reference, double[] actual) {
        assertClose(label, DType.F32, reference, new double[reference.length], actual);
    }

    /**
     * Every element within the tolerance of a result stored as {@code stored} (F32 or BF16; see the class), plus, in
     * bf16, 2^-8 of {@code otherRoundings[i]}: the summed magnitudes of other bf16 roundings that reach element i
     * (partial results stored there before its last store; a stored output its backward reads).
     */
    static void assertClose(String label, DType stored, double[] reference, double[] otherRoundings,
                            double[] actual) {
        if (actual == null) {
            throw new AssertionError("no emulated result for " + label);
        }
        if (actual.length != reference.length) {
            throw new AssertionError(label + ": " + actual.length + " values, reference " + reference.length);
        }
        for (int i = 0; i < reference.length; i++) {
            double tolerance = tolerance(stored, reference[i])
                    + (stored == DType.BF16 ? BF16_ROUNDING * otherRoundings[i] : 0);
            if (!(Math.abs(actual[i] - reference[i]) <= tolerance)) {
                throw new AssertionError(label + " element " + i + ": emulated CUDA " + actual[i] + ", reference "
                        + reference[i] + " (" + stored + " tolerance " + tolerance + ")");
            }
        }
    }

    static double tolerance(DType stored, double reference) {
        double floatTolerance = 1e-5 + 1e-4 * Math.abs(reference);
        return switch (stored) {
            case F32 -> floatTolerance;
            case BF16 -> floatTolerance + BF16_ROUNDING * (Math.abs(reference) + floatTolerance);
            default -> throw new IllegalArgumentException("no tolerance for results stored as " + stored);
        };
    }
}
