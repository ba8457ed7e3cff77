package dev.striate.cpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.exec.PlannedExecutor;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.tensor.DType;
import dev.striate.cpu.CpuBackend;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Runs the same steps on a {@link PlannedExecutor} over a {@link PoisoningCpuBackend} and on the plain reference
 * executor, and asserts that the kept values, every parameter gradient and buffer, and every asked-for input gradient
 * agree to a relative {@value #TOLERANCE} (the same kernels run in the same order, so they should agree exactly): a
 * value freed too early reads NaN, a kernel reading a value its op does not declare fails, a gradient not zeroed
 * before its first accumulation carries the last step's sum, and every node's output is handed out NaN-filled (as
 * {@code Backend.allocateUninitialized} allows), so a forward kernel reading its output before writing it poisons the
 * results. Two steps with other inputs run, so that what one step
 * leaves behind is checked in the next; at its fullest the executor holds exactly the plan's peak, and nothing may be
 * left allocated after closing.
 */
public final class PlannedRunComparison {
    public static final double TOLERANCE = 1e-12;
    private static final long SEED = 20261201L;
    private static final int STEPS = 2;

    private PlannedRunComparison() {
    }

    /**
     * {@code labels} feeds each integer input; float inputs are drawn in [-1, 1); {@code inputsNeedingGradient} are
     * float inputs whose gradients are compared too.
     */
    public static void assertPlannedEqualsReference(Graph graph, PlanRequest request, Map<String, int[]> labels,
                                                    Set<String> inputsNeedingGradient, boolean training) {
        assertPlannedEqualsReference(graph, request, labels, inputsNeedingGradient, training, false);
    }

    /**
     * As above; {@code freshWriting}: every kernel says it writes a gradient marked fresh whole
     * ({@link PoisoningCpuBackend#writingFreshGradients}), so the executor hands each gradient's first writer an
     * uninitialized (NaN) tensor, and at least one such gradient must occur in a step with a backward (unless every
     * node takes one value twice, as x + x does: then each gradient has two shares and none is written whole).
     */
    public static void assertPlannedEqualsReference(Graph graph, PlanRequest request, Map<String, int[]> labels,
                                                    Set<String> inputsNeedingGradient, boolean training,
                                                    boolean freshWriting) {
        assertPlannedEqualsReference(graph, graph, request, labels, inputsNeedingGradient, training, freshWriting);
    }

    /**
     * As above, the planned executor running {@code plannedGraph} (a fused graph) and the reference executor running
     * {@code referenceGraph} (the graph it was fused from), both with a parameter store made from the reference graph:
     * a fused node's parameters keep their names, so the store of the unfused model fits.
     */
    public static void assertPlannedEqualsReference(Graph referenceGraph, Graph plannedGraph, PlanRequest request,
                                                    Map<String, int[]> labels, Set<String> inputsNeedingGradient,
                                                    boolean training, boolean freshWriting) {
        CpuBackend reference = new CpuBackend();
        PoisoningCpuBackend poisoning = freshWriting ? PoisoningCpuBackend.writingFreshGradients()
                : new PoisoningCpuBackend();
        try (ParameterStore expectedStore = ParameterStore.initialize(referenceGraph, reference, SEED);
             ParameterStore actualStore = ParameterStore.initialize(referenceGraph, poisoning, SEED)) {
            long storeValues = poisoning.peakLiveValues();
            try (Executor expected = reference.compile(referenceGraph, expectedStore);
                 Executor actual = poisoning.compile(plannedGraph, actualStore, request)) {
                assertTrue(actual instanceof PlannedExecutor, "the default compile with a request plans");
                for (String input : inputsNeedingGradient) {
                    expected.requireInputGradient(input);
                    actual.requireInputGradient(input);
                }
                SplittableRandom random = new SplittableRandom(SEED);
                for (int step = 0; step < STEPS; step++) {
                    runStep(plannedGraph, request, labels, training, step, random, expected, actual);
                    for (String name : expectedStore.names()) {
                        assertClose(expectedStore.read(name), actualStore.read(name), "parameter " + name);
                    }
                    if (request.hasBackward()) {
                        for (String name : expectedStore.trainableNames()) {
                            assertClose(reference.read(expectedStore.gradient(name)),
                                    poisoning.read(actualStore.gradient(name)), "gradient of " + name);
                        }
                        for (String input : inputsNeedingGradient) {
                            assertClose(expected.inputGradient(input), actual.inputGradient(input),
                                    "gradient of input " + input);
                        }
                    }
                }
                assertEquals(storeValues + ((PlannedExecutor) actual).plan().peakValues(), poisoning.peakLiveValues(),
                        "values alive at the fullest moment: the parameter store's and the plan's peak");
                assertEquals((long) STEPS * plannedGraph.nodes().size(),
                        poisoning.uninitializedAllocations() - poisoning.uninitializedGradients(),
                        "every node's output, each step, comes uninitialised (NaN here)");
                if (!freshWriting) {
                    assertEquals(0, poisoning.uninitializedGradients(), "gradients are zero-filled");
                } else if (request.hasBackward() && plannedGraph.nodes().stream()
                        .anyMatch(n -> Set.copyOf(n.inputs()).size() == n.inputs().size())) {
                    assertTrue(poisoning.uninitializedGradients() > 0, "no gradient was handed over fresh");
                }
            }
            assertEquals(actualStore.names().size() + actualStore.trainableNames().size(), poisoning.liveTensors(),
                    "a closed executor leaves only the parameter store allocated");
        }
        assertEquals(0, poisoning.liveTensors(), "everything allocated is released");
    }

    private static void runStep(Graph graph, PlanRequest request, Map<String, int[]> labels, boolean training,
                                int step, SplittableRandom random, Executor expected, Executor actual) {
        for (GraphInput in : graph.inputs()) {
            if (in.dtype() == DType.I32 || in.dtype() == DType.I64) {
                expected.feed(in.name(), labels.get(in.name()));
                actual.feed(in.name(), labels.get(in.name()));
            } else {
                double[] x = random.doubles(in.shape().size(), -1, 1).toArray();
                expected.feed(in.name(), x);
                actual.feed(in.name(), x);
            }
        }
        RunContext context = training ? RunContext.training(SEED, step) : RunContext.evaluation();
        expected.forward(context);
        actual.forward(context);
        for (String kept : request.kept()) {
            assertClose(expected.read(kept), actual.read(kept), "value of " + kept + " in step " + step);
        }
        if (!request.hasBackward()) {
            return;
        }
        String target = request.backwardFrom();
        double[] outputGradient = random.doubles(graph.shapeOf(target).size(), -1, 1).toArray();
        expected.parameters().zeroGradients();
        actual.parameters().zeroGradients();
        expected.backward(target, outputGradient);
        actual.backward(target, outputGradient);
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(e - a) <= TOLERANCE * Math.max(Math.abs(e), Math.abs(a)))) {
                fail(what + " differs at element " + i + ": reference " + e + ", planned " + a);
            }
        }
    }
}
