package dev.striate.cpu.precision;

/**
 * How a GPU rounds a value it keeps in a narrower format. Every rounding goes through float first, as a GPU's does:
 * a kernel computes in fp32 and then narrows the fp32 result (the float64 reference's value stands for an fp32
 * accumulation that made no rounding error of its own). NaN stays NaN; a value beyond the format's range becomes
 * infinity.
 */
public enum Rounding {
    /** Nothing rounded: the reference's float64. */
    NONE {
        @Override
        public double round(double value) {
            return value;
        }
    },
    /** IEEE single precision, nearest even: how fp32 storage keeps a value. */
    FLOAT {
        @Override
        public double round(double value) {
            return (float) value;
        }
    },
    /** TF32: fp32's exponent, 10 stored significand bits, nearest even (cuBLAS's and CUTLASS's round-to-nearest). */
    TF32 {
        @Override
        public double round(double value) {
            return nearestEven(value, 13);
        }
    },
    /** TF32 by dropping the 13 low bits: what a tensor core does when it is handed fp32 bits unconverted. */
    TF32_TRUNCATED {
        @Override
        public double round(double value) {
            return truncated(value, 13);
        }
    },
    /** bfloat16: the top 16 bits of a float (7 stored significand bits), nearest even. */
    BF16 {
        @Override
        public double round(double value) {
            return nearestEven(value, 16);
        }
    },
    /** bfloat16 by dropping the low 16 bits: a store that truncates instead of rounding (a kernel bug). */
    BF16_TRUNCATED {
        @Override
        public double round(double value) {
            return truncated(value, 16);
        }
    };

    public abstract double round(double value);

    public void roundInPlace(double[] values) {
        if (this == NONE) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = round(values[i]);
        }
    }

    /** The float nearest {@code value} with its {@code droppedBits} low bits zero, ties to even. */
    private static double nearestEven(double value, int droppedBits) {
        float single = (float) value;
        if (Float.isNaN(single)) {
            return Double.NaN;
        }
        int bits = Float.floatToRawIntBits(single);
        int half = (1 << (droppedBits - 1)) - 1;
        int lowestKept = (bits >>> droppedBits) & 1;
        return Float.intBitsToFloat((bits + half + lowestKept) & (-1 << droppedBits));
    }

    private static double truncated(double value, int droppedBits) {
        float single = (float) value;
        if (Float.isNaN(single)) {
            return Double.NaN;
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(single) & (-1 << droppedBits));
    }
}
