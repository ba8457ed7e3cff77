package dev.striate.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * F16 and BF16 rounding against bit patterns worked out by hand from the formats (F16: 1 sign, 5 exponent, 10
 * fraction bits, bias 15; BF16: 1 sign, 8 exponent, 7 fraction bits, bias 127).
 */
class HalfPrecisionTest {
    private static void assertF16(int expectedBits, double value) {
        assertEquals(expectedBits, HalfPrecision.toF16Bits(value) & 0xFFFF,
                () -> value + " should round to F16 0x" + Integer.toHexString(expectedBits));
    }

    private static void assertBf16(int expectedBits, double value) {
        assertEquals(expectedBits, HalfPrecision.toBf16Bits(value) & 0xFFFF,
                () -> value + " should round to BF16 0x" + Integer.toHexString(expectedBits));
    }

    @Test
    void f16RoundsToNearestWithTiesToEven() {
        assertF16(0x3C00, 1.0);
        assertF16(0xC000, -2.0);
        assertF16(0x3C00, 1 + 0x1p-11);              // halfway between 1 and 1 + 2^-10: the even one, 1
        assertF16(0x3C02, 1 + 3 * 0x1p-11);          // halfway between 0x3C01 and 0x3C02: the even one
        assertF16(0x3C01, 1 + 0x1p-11 + 0x1p-40);    // just above halfway; rounding via float would give 0x3C00
        assertF16(0x3C00, 1 + 0x1p-11 - 0x1p-40);
    }

    @Test
    void f16OverflowsToInfinityAndKeepsSpecialValues() {
        assertF16(0x7BFF, 65504);
        assertF16(0x7BFF, 65519.99);
        assertF16(0x7C00, 65520);                    // halfway to 65536, whose rounding overflows
        assertF16(0xFC00, -65520);
        assertF16(0x7C00, Double.POSITIVE_INFINITY);
        assertF16(0x8000, -0.0);
        int nan = HalfPrecision.toF16Bits(Double.NaN) & 0xFFFF;
        assertTrue((nan & 0x7C00) == 0x7C00 && (nan & 0x03FF) != 0, "NaN stays NaN");
    }

    @Test
    void f16Subnormals() {
        assertF16(0x0400, 0x1p-14);                  // smallest normal
        assertF16(0x0001, 0x1p-24);                  // smallest subnormal
        assertF16(0x0000, 0x1p-25);                  // halfway between 0 and 2^-24: the even one, 0
        assertF16(0x0001, 0x1p-25 + 0x1p-60);
        assertF16(0x0002, 3 * 0x1p-25);
        assertF16(0x8000, -0x1p-26);
    }

    @Test
    void bf16RoundsToNearestWithTiesToEven() {
        assertBf16(0x3F80, 1.0);
        assertBf16(0xC0A0, -5.0);
        assertBf16(0x3F80, 1 + 0x1p-8);
        assertBf16(0x3F82, 1 + 3 * 0x1p-8);
        assertBf16(0x3F81, 1 + 0x1p-8 + 0x1p-40);    // rounding via float would drop 2^-40 and give 0x3F80
        assertBf16(0x7F7F, 0x1.FEFFFp127);
        assertBf16(0x7F80, 0x1.FFp127);              // halfway to 2^128: overflows to infinity
        assertBf16(0x0001, 0x1p-133);                // smallest subnormal
        assertBf16(0x0000, 0x1p-134);
        assertBf16(0x0002, 3 * 0x1p-134);
        assertBf16(0x8000, -0.0);
    }

    @Test
    void readingIsExact() {
        assertEquals(1 + 0x1p-10, HalfPrecision.fromF16Bits((short) 0x3C01), 0);
        assertEquals(65504, HalfPrecision.fromF16Bits((short) 0x7BFF), 0);
        assertEquals(0x1p-24, HalfPrecision.fromF16Bits((short) 0x0001), 0);
        assertEquals(Double.NEGATIVE_INFINITY, HalfPrecision.fromF16Bits((short) 0xFC00), 0);
        assertEquals(-5.0, HalfPrecision.fromBf16Bits((short) 0xC0A0), 0);
        assertEquals(1 + 0x1p-7, HalfPrecision.fromBf16Bits((short) 0x3F81), 0);
        assertEquals(0x1.FEp127, HalfPrecision.fromBf16Bits((short) 0x7F7F), 0);
    }
}
