package dev.striate.cpu.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.io.HalfPrecision;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The roundings of the precision emulation, on hand-worked values and against the checkpoint code's bf16. */
class RoundingTest {
    @Test
    void bf16KeepsSevenStoredBitsAndRoundsTiesToEven() {
        // Between 1 and 2 the bf16 step is 2^-7.
        assertEquals(1.0, Rounding.BF16.round(1 + 0x1p-8), 0, "tie: 1 is even");
        assertEquals(1 + 0x1p-6, Rounding.BF16.round(1 + 3 * 0x1p-8), 0, "tie: 1 + 2^-6 is even, 1 + 2^-7 odd");
        assertEquals(1 + 0x1p-7, Rounding.BF16.round(1 + 0x1p-8 + 0x1p-20), 0, "above the tie");
        assertEquals(-1.9921875, Rounding.BF16.round(-1.99), 0, "1.99 = 1 + 126.72/128");
        assertEquals(-1.984375, Rounding.BF16_TRUNCATED.round(-1.99), 0, "truncation drops the .72");
        assertEquals(Double.POSITIVE_INFINITY, Rounding.BF16.round(Float.MAX_VALUE), 0);
        assertTrue(Double.isNaN(Rounding.BF16.round(Double.NaN)));
    }

    @Test
    void bf16AgreesWithTheCheckpointConversionOnFloats() {
        // HalfPrecision rounds from the double at once; on a float the two must agree.
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 100_000; i++) {
            float value = Float.intBitsToFloat(random.nextInt());
            if (Float.isFinite(value)) {
                assertEquals(HalfPrecision.fromBf16Bits(HalfPrecision.toBf16Bits(value)), Rounding.BF16.round(value),
                        0, "bits " + Integer.toHexString(Float.floatToRawIntBits(value)));
            }
        }
    }

    @Test
    void tf32KeepsTenStoredBits() {
        // Between 1 and 2 the TF32 step is 2^-10.
        assertEquals(1.0, Rounding.TF32.round(1 + 0x1p-11), 0, "tie: 1 is even");
        assertEquals(1 + 0x1p-9, Rounding.TF32.round(1 + 3 * 0x1p-11), 0, "tie: 1 + 2^-9 is even");
        assertEquals(1 + 0x1p-10, Rounding.TF32.round(1 + 0x1p-11 + 0x1p-20), 0);
        assertEquals(1 + 0x1p-10, Rounding.TF32_TRUNCATED.round(1 + 0x1p-10 + 0x1p-11 + 0x1p-12), 0);
        assertEquals(-(1 + 0x1p-9), Rounding.TF32.round(-(1 + 0x1p-10 + 0x1p-11 + 0x1p-12)), 0);
    }

    @Test
    void floatRoundsAndNoneKeepsTheDouble() {
        assertEquals(1.0, Rounding.FLOAT.round(1 + 0x1p-30), 0);
        assertEquals(1 + 0x1p-30, Rounding.NONE.round(1 + 0x1p-30), 0);
        double[] values = {1 + 0x1p-8, 2};
        Rounding.BF16.roundInPlace(values);
        assertEquals(1.0, values[0], 0);
        assertEquals(2.0, values[1], 0);
    }
}
