package dev.striate.core.check;

import dev.striate.core.backend.Backend;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.graph.Node;
import dev.striate.core.io.HalfPrecision;
import dev.striate.core.tensor.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Runs one graph on a candidate backend and on the reference with the same inputs, parameters and buffers, and
 * compares every node's output, the gradient of every float input and trainable parameter, and the buffers a
 * training pass updates (batch-norm running statistics), each tensor judged by a {@link TensorComparison} (a
 * {@link ParityMetric}: |candidate - reference| / max(|candidate|, |reference|, {@value #ABSOLUTE_FLOOR}), and for a
 * GPU's precision the reference tensor's RMS too).
 */
public final class ParityChecker {
    public static final double ABSOLUTE_FLOOR = ParityMetric.ABSOLUTE_FLOOR;
    private static final int DISTINCT_UP_TO = 512;

    private final Backend reference;
    private final Backend candidate;
    private final TensorComparison comparison;
    private final long seed;

    public ParityChecker(Backend reference, Backend candidate, TensorComparison comparison, long seed) {
        this.reference = reference;
        this.candidate = candidate;
        this.comparison = comparison;
        this.seed = seed;
    }

    /** Elementwise relative error with the absolute floor {@value #ABSOLUTE_FLOOR}, within {@code tolerance}. */
    public ParityChecker(Backend reference, Backend candidate, double tolerance, long seed) {
        this(reference, candidate, ParityMetric.elementwise(tolerance), seed);
    }

    /** A case of the gradient-check grid, on both backends. */
    public ParityReport check(GradCheckCase c) {
        return check(c.op(), c.name(), c.graph(), c.graph().output(), c.labels(), c.training(), c.inputScale(), true);
    }

    /**
     * Any graph: float inputs are drawn uniformly in [-inputScale, inputScale) ({@link #draw}), integer inputs come
     * from {@code labels}, trainable parameters are drawn in [-1, 1) when {@code drawParameters} (else they keep the
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
            writeParameters(random, expectedStore, actualStore, drawParameters);
            List<String> floatInputs = feedInputs(random, graph, labels, inputScale, expected, actual, true);
            if (!training) {
                expected.forward(RunContext.training(seed, 1));
                actual.forward(RunContext.training(seed, 1));
            }
            RunContext context = new RunContext(training, seed, 3);
            expected.forward(context);
            actual.forward(context);
            for (Node node : graph.nodes()) {
                rows.add(compare("output " + node.name(), expected.read(node.name()), actual.read(node.name()), 0));
            }
            int outputSize = Math.toIntExact(graph.shapeOf(target).size());
            double[] outputGradient = outputSize == 1 ? new double[] {1} : draw(random, outputSize, 1);
            expectedStore.zeroGradients();
            actualStore.zeroGradients();
            expected.backward(target, outputGradient);
            actual.backward(target, outputGradient);
            for (String input : floatInputs) {
                rows.add(compare("gradient " + input, expected.inputGradient(input), actual.inputGradient(input), 0));
            }
            rows.addAll(compareStores(expectedStore, actualStore));
        }
        return new ParityReport(op, caseName, rows);
    }

    /**
     * One training step of a graph as {@code train} runs it: each backend compiles the graph for forward and backward
     * from the scalar {@code loss} keeping only {@code kept} ({@link Backend#compile(Graph, ParameterStore,
     * PlanRequest)}, where a GPU backend plans memory and fuses nodes), parameters keep their initializer's values,
     * float inputs are drawn in [-inputScale, inputScale). Compares the kept values, every parameter gradient and the
     * buffers the step updates.
     */
    public ParityReport checkPlannedStep(String op, String caseName, Graph graph, String loss, Set<String> kept,
                                         Map<String, int[]> labels, double inputScale) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ParityRow> rows = new ArrayList<>();
        PlanRequest request = PlanRequest.backward(loss, kept);
        try (ParameterStore expectedStore = ParameterStore.initialize(graph, reference, seed);
             ParameterStore actualStore = ParameterStore.initialize(graph, candidate, seed);
             Executor expected = reference.compile(graph, expectedStore, request);
             Executor actual = candidate.compile(graph, actualStore, request)) {
            writeParameters(random, expectedStore, actualStore, false);
            feedInputs(random, graph, labels, inputScale, expected, actual, false);
            RunContext context = new RunContext(true, seed, 3);
            expected.forward(context);
            actual.forward(context);
            for (String name : request.kept()) {
                rows.add(compare("output " + name, expected.read(name), actual.read(name), 0));
            }
            expectedStore.zeroGradients();
            actualStore.zeroGradients();
            expected.backward(loss);
            actual.backward(loss);
            rows.addAll(compareStores(expectedStore, actualStore));
        }
        return new ParityReport(op, caseName, rows);
    }

    /** The reference's parameters and buffers written to both stores, trainable ones drawn in [-1, 1) if asked. */
    private static void writeParameters(SplittableRandom random, ParameterStore expectedStore,
                                        ParameterStore actualStore, boolean drawParameters) {
        for (String name : expectedStore.names()) {
            double[] values = expectedStore.read(name);
            if (drawParameters && expectedStore.gradient(name) != null) {
                values = draw(random, values.length, 1);
            }
            expectedStore.write(name, values);
            actualStore.write(name, values);
        }
    }

    /** Feeds the same inputs to both; returns the float inputs, whose gradients are asked for when wanted. */
    private static List<String> feedInputs(SplittableRandom random, Graph graph, Map<String, int[]> labels,
                                           double inputScale, Executor expected, Executor actual,
                                           boolean inputGradients) {
        List<String> floatInputs = new ArrayList<>();
        for (GraphInput in : graph.inputs()) {
            if (in.dtype() == DType.I32 || in.dtype() == DType.I64) {
                expected.feed(in.name(), labels.get(in.name()));
                actual.feed(in.name(), labels.get(in.name()));
            } else {
                double[] x = draw(random, Math.toIntExact(in.shape().size()), inputScale);
                expected.feed(in.name(), x);
                actual.feed(in.name(), x);
                if (inputGradients) {
                    expected.requireInputGradient(in.name());
                    actual.requireInputGradient(in.name());
                }
                floatInputs.add(in.name());
            }
        }
        return floatInputs;
    }

    /**
     * Every trainable parameter's gradient, judged against the largest RMS among its node's gradients, and every
     * buffer (running statistics).
     */
    private List<ParityRow> compareStores(ParameterStore expectedStore, ParameterStore actualStore) {
        Map<String, Double> nodeGradientScale = new HashMap<>();
        for (String name : expectedStore.names()) {
            if (expectedStore.gradient(name) != null) {
                nodeGradientScale.merge(node(name),
                        ParityMetric.rootMeanSquare(reference.read(expectedStore.gradient(name))), Math::max);
            }
        }
        List<ParityRow> rows = new ArrayList<>();
        for (String name : expectedStore.names()) {
            if (expectedStore.gradient(name) != null) {
                rows.add(compare("gradient " + name, reference.read(expectedStore.gradient(name)),
                        candidate.read(actualStore.gradient(name)), nodeGradientScale.get(node(name))));
            } else {
                rows.add(compare("buffer " + name, expectedStore.read(name), actualStore.read(name), 0));
            }
        }
        return rows;
    }

    /**
     * {@code n} values drawn uniformly in [-scale, scale) and rounded to bf16 (8 significant bits), so that every
     * precision holds them exactly: a narrow backend's check then measures its kernels' rounding, not the rounding of
     * the inputs it was handed (which could move a max pooling's winner and route a gradient elsewhere). Up to
     * {@value #DISTINCT_UP_TO} values are drawn distinct, so that a max over graph inputs has one winner however a
     * backend breaks ties; larger tensors are model inputs, which convolutions read first.
     */
    static double[] draw(SplittableRandom random, int n, double scale) {
        double[] values = new double[n];
        Set<Double> drawn = new HashSet<>();
        for (int i = 0; i < n; i++) {
            do {
                values[i] = HalfPrecision.fromBf16Bits(HalfPrecision.toBf16Bits(random.nextDouble(-scale, scale)));
            } while (n <= DISTINCT_UP_TO && !drawn.add(values[i]));
        }
        return values;
    }

    /** The node a parameter belongs to: {@code layer1.0.bn1} for {@code layer1.0.bn1.bias}. */
    private static String node(String parameter) {
        return parameter.substring(0, Math.max(0, parameter.lastIndexOf('.')));
    }

    private ParityRow compare(String what, double[] expected, double[] actual, double relatedScale) {
        if (expected.length != actual.length) {
            return new ParityRow(what + " (" + actual.length + " elements, expected " + expected.length + ")",
                    Double.POSITIVE_INFINITY, 0, Double.NaN, Double.NaN, false);
        }
        return comparison.compare(what, expected, actual, relatedScale);
    }
}
