package dev.striate.cuda.kernel;

/** Inputs for the host-emulation tests, and their comparison of float results with the float64 reference. */
final class EmulationValues {
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

    static double[] toDoubles(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }

    /** Every element within 1e-5 + 1e-4·|reference| (float arithmetic against float64). */
    static void assertClose(String label, double[] reference, double[] actual) {
        if (actual == null) {
            throw new AssertionError("no emulated result for " + label);
        }
        if (actual.length != reference.length) {
            throw new AssertionError(label + ": " + actual.length + " values, reference " + reference.length);
        }
        for (int i = 0; i < reference.length; i++) {
            double tolerance = 1e-5 + 1e-4 * Math.abs(reference[i]);
            if (!(Math.abs(actual[i] - reference[i]) <= tolerance)) {
                throw new AssertionError(label + " element " + i + ": emulated CUDA " + actual[i] + ", reference "
                        + reference[i]);
            }
        }
    }
}
