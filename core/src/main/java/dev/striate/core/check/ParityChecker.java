package dev.striate.core.check;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.graph.Node;
import dev.striate.core.tensor.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs one graph on a candidate backend and on the reference with the same inputs, parameters and buffers, and
 * compares every node's output, the gradient of every float input and trainable parameter, and the buffers a
 * training pass updates (batch-norm running statistics). Error per element:
 * |candidate - reference| / max(|candidate|, |reference|, {@value #ABSOLUTE_FLOOR}).
 */
public final class ParityChecker {
    public static final double ABSOLUTE_FLOOR = 1e-3;

    private final Backend reference;
    private final Backend candidate;
    private final double tolerance;
    private final long seed;

    public ParityChecker(Backend reference, Backend candidate, double tolerance, long seed) {
        this.reference = reference;
        this.candidate = candidate;
        this.tolerance = tolerance;
        this.seed = seed;
    }

    /** A case of the gradient-check grid, on both backends. */
    public ParityReport check(GradCheckCase c) {
        return check(c.op(), c.name(), c.graph(), c.graph().output(), c.labels(), c.training(), c.inputScale(), true);
    }

    /**
     * Any graph: float inputs are drawn uniformly in [-inputScale, inputScale), integer inputs come from
     * {@code labels}, trainable parameters are drawn in [-1, 1) when {@code drawParameters} (else they keep the
     * initializer's values, as a model's should) and buffers keep their initial values; backward runs
     * from {@code target} with a random output gradient (dL/dL = 1 for a scalar loss). An evaluation-mode check
     * first runs one training pass on both, so that running statistics differ from their initial values.
     */
    public ParityReport check(String op, String caseName, Graph graph, String target, Map<String, int[]> labels,
                              boolean training, double inputScale, boolean drawParameters) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ParityRow> rows = new ArrayList<>();
        try (ParameterStore expectedStore = ParameterStore.initialize(graph, reference, seed);
             ParameterStore actualStore = ParameterStore.initialize(graph, candidate, seed);
             Executor expected = reference.compile(graph, expectedStore);
             Executor actual = candidate.compile(graph, actualStore)) {
            for (String name : expectedStore.names()) {
                double[] values = expectedStore.read(name);
                if (drawParameters && expectedStore.gradient(name) != null) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = random.nextDouble(-1, 1);
                    }
                }
                expectedStore.write(name, values);
                actualStore.write(name, values);
            }
            List<String> floatInputs = new ArrayList<>();
            for (GraphInput in : graph.inputs()) {
                if (in.dtype() == DType.I32 || in.dtype() == DType.I64) {
                    expected.feed(in.name(), labels.get(in.name()));
                    actual.feed(in.name(), labels.get(in.name()));
                } else {
                    double[] x = new double[Math.toIntExact(in.shape().size())];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = random.nextDouble(-inputScale, inputScale);
                    }
                    expected.feed(in.name(), x);
                    actual.feed(in.name(), x);
                    expected.requireInputGradient(in.name());
                    actual.requireInputGradient(in.name());
                    floatInputs.add(in.name());
                }
            }
            if (!training) {
                expected.forward(RunContext.training(seed, 1));
                actual.forward(RunContext.training(seed, 1));
            }
            RunContext context = new RunContext(training, seed, 3);
            expected.forward(context);
            actual.forward(context);
            for (Node node : graph.nodes()) {
                rows.add(compare("output " + node.name(), expected.read(node.name()), actual.read(node.name())));
            }
            double[] outputGradient = new double[Math.toIntExact(graph.shapeOf(target).size())];
            for (int i = 0; i < outputGradient.length; i++) {
                outputGradient[i] = outputGradient.length == 1 ? 1 : random.nextDouble(-1, 1);
            }
            expectedStore.zeroGradients();
            actualStore.zeroGradients();
            expected.backward(target, outputGradient);
            actual.backward(target, outputGradient);
            for (String input : floatInputs) {
                rows.add(compare("gradient " + input, expected.inputGradient(input), actual.inputGradient(input)));
            }
            for (String name : expectedStore.names()) {
                if (expectedStore.gradient(name) != null) {
                    rows.add(compare("gradient " + name, reference.read(expectedStore.gradient(name)),
                            candidate.read(actualStore.gradient(name))));
                } else {
                    rows.add(compare("buffer " + name, expectedStore.read(name), actualStore.read(name)));
                }
            }
        }
        return new ParityReport(op, caseName, rows);
    }

    private ParityRow compare(String what, double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            return new ParityRow(what + " (" + actual.length + " elements, expected " + expected.length + ")",
                    Double.POSITIVE_INFINITY, 0, Double.NaN, Double.NaN, false);
        }
        double worst = 0;
        int worstIndex = 0;
        for (int i = 0; i < expected.length; i++) {
            double denominator = Math.max(ABSOLUTE_FLOOR, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
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
}
