package dev.striate.cuda.kernel;

import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.tensor.DType;
import dev.striate.cpu.CpuBackend;

/** The CPU reference's y, dx and dw of a {@link DepthwiseCase} (its grouped convolution, float64) on given values. */
record DepthwiseReference(double[] y, double[] dx, double[] dw) {
    /** The rounding error of a float sum added in a tree of depth under 64, relative to its terms' magnitudes. */
    private static final double SUMMATION_BOUND = 0x1p-18;

    static DepthwiseReference of(DepthwiseCase geometry, double[] x, double[] w, double[] dy) {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", geometry.input());
        builder.add("conv", geometry.op(), "x");
        Graph graph = builder.build("conv");
        CpuBackend cpu = new CpuBackend();
        try (ParameterStore store = ParameterStore.initialize(graph, cpu, 3);
             Executor executor = cpu.compile(graph, store)) {
            store.write("conv.weight", w);
            executor.feed("x", x);
            executor.requireInputGradient("x");
            executor.forward(RunContext.training(1, 1));
            double[] y = executor.read("conv");
            executor.backward("conv", dy);
            return new DepthwiseReference(y, executor.inputGradient("x"), cpu.read(store.gradient("conv.weight")));
        }
    }

    /**
     * Σ|dy·x| per weight: the magnitude of the terms each dw sums (the reference on |x| and |dy|), which bounds a float
     * sum's rounding error.
     */
    static double[] weightGradientMagnitudes(DepthwiseCase geometry, double[] x, double[] w, double[] dy) {
        return of(geometry, absolute(x), w, absolute(dy)).dw();
    }

    private static double[] absolute(double[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Math.abs(values[i]);
        }
        return result;
    }

    /**
     * A float weight gradient dw against the reference's: each is a float sum of N·Ho·Wo products dy·x, added in a
     * fixed tree (16 per thread, a block's tree of 8 levels, up to 4 chunks per thread and another 8 levels) of depth
     * under 64 for the sizes tested, so its rounding error is below 64·2^-24 = 2^-18 of Σ|dy·x| ({@code magnitudes});
     * checked within that plus {@link EmulationValues}' float tolerance.
     */
    static void assertWeightGradient(String label, double[] expected, double[] magnitudes, double[] actual) {
        if (actual == null || actual.length != expected.length) {
            throw new AssertionError(label + ": " + (actual == null ? "nothing" : actual.length + " values")
                    + ", reference " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double tolerance = EmulationValues.tolerance(DType.F32, expected[i]) + SUMMATION_BOUND * magnitudes[i];
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                throw new AssertionError(label + " element " + i + ": " + actual[i] + ", reference " + expected[i]
                        + " (tolerance " + tolerance + ")");
            }
        }
    }
}
