package dev.striate.core.io;

/**
 * Conversions between double and the 16-bit float formats F16 (IEEE 754 binary16) and BF16 (bfloat16). Rounding is
 * done once, from the double itself, to nearest with ties to even: going through float first would round twice and
 * be off by one unit in the last place for some values. Values beyond the largest finite one become infinity, as
 * IEEE 754 rounding does; NaN stays NaN. Reading is exact: every F16 and BF16 value is a double.
 */
public final class HalfPrecision {
    private static final double F16_MAX = 65504;
    private static final double BF16_MAX = 0x1.FEp127;

    private HalfPrecision() {
    }

    public static short toF16Bits(double value) {
        return Float.floatToFloat16((float) round(value, 11, -14, F16_MAX));
    }

    public static double fromF16Bits(short bits) {
        return Float.float16ToFloat(bits);
    }

    public static short toBf16Bits(double value) {
        float rounded = (float) round(value, 8, -126, BF16_MAX);
        return (short) (Float.floatToRawIntBits(rounded) >>> 16);
    }

    public static double fromBf16Bits(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * The value of the format (significand bits including the implicit one, smallest normal exponent, largest
     * finite value) nearest to {@code value}. The unit in the last place is a power of two, so dividing by it is
     * exact and {@link Math#rint} does the ties-to-even rounding; below the normal range the unit stays that of the
     * smallest normal exponent, which gives the subnormals. The result is exactly representable in float.
     */
    private static double round(double value, int significandBits, int minExponent, double max) {
        if (!Double.isFinite(value)) {
            return value;
        }
        int exponent = Math.max(Math.getExponent(value), minExponent);
        double unit = Math.scalb(1.0, exponent - (significandBits - 1));
        double rounded = Math.rint(value / unit) * unit;
        return Math.abs(rounded) > max ? Math.copySign(Double.POSITIVE_INFINITY, value) : rounded;
    }
}
