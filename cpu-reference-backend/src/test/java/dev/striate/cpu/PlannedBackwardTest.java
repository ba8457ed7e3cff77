package dev.striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.RunContext;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.exec.PlanRequest;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.op.Add;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.cpu.check.PlannedRunComparison;
import dev.striate.cpu.check.WrappedCpuBackend;
import dev.striate.cpu.check.WrappedKernel;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The planned executor against the reference executor on every gradient-check case, which covers every op
 * ({@code GradientCheckTest.everyOpHasAGradientCheckCase}): each backward gets only the values its op declares
 * ({@link dev.striate.core.op.BackwardReads}), so an op whose declaration misses a value its kernel reads fails here.
 */
class PlannedBackwardTest {
    static Stream<GradCheckCase> cases() {
        return GradCheckSuite.cases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void plannedStepsEqualTheReferenceExecutors(GradCheckCase c) {
        Graph graph = c.graph();
        PlannedRunComparison.assertPlannedEqualsReference(graph,
                PlanRequest.backward(graph.output(), graph.outputs()), c.labels(), floatInputs(graph), c.training());
    }

    /**
     * The same with kernels that write a gradient whole when it is theirs alone so far: the first writer of each
     * gradient gets it uninitialized (NaN), later writers add (fan-out, an input taken twice).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void freshGradientsGiveTheReferenceExecutorsResults(GradCheckCase c) {
        Graph graph = c.graph();
        PlannedRunComparison.assertPlannedEqualsReference(graph, PlanRequest.backward(graph.output(), graph.outputs()),
                c.labels(), floatInputs(graph), c.training(), true);
    }

    private static Set<String> floatInputs(Graph graph) {
        return graph.inputs().stream().filter(in -> in.dtype() != DType.I32 && in.dtype() != DType.I64)
                .map(GraphInput::name).collect(Collectors.toSet());
    }

    /** x → fc (linear) → relu → sum = relu + fc: add's backward reads nothing, so fc is freed after sum's forward. */
    private static Graph residual() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", Shape.of(2, 3));
        b.add("fc", Linear.of(3), "x");
        b.add("relu", new Relu(), "fc");
        b.add("sum", new Add(), "relu", "fc");
        return b.build("sum");
    }

    @Test
    void aKernelReadingAValueItsOpDoesNotDeclareFails() {
        Graph graph = residual();
        WrappedCpuBackend backend = new AddReadingItsInputs();
        try (ParameterStore store = ParameterStore.initialize(graph, backend, 1);
             Executor executor = backend.compile(graph, store, PlanRequest.backward("sum", List.of("sum")))) {
            executor.feed("x", new double[6]);
            executor.forward(RunContext.evaluation());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> executor.backward("sum", new double[6]));
            assertTrue(e.getMessage().contains("withheld"), e.getMessage());
        }
    }

    @Test
    void readingAValueThePlanFreesNamesItAndSaysHowToKeepIt() {
        Graph graph = residual();
        CpuBackend backend = new CpuBackend();
        try (ParameterStore store = ParameterStore.initialize(graph, backend, 1);
             Executor executor = backend.compile(graph, store, PlanRequest.forwardOnly(List.of("sum")))) {
            executor.feed("x", new double[] {1, 2, 3, 4, 5, 6});
            executor.forward(RunContext.evaluation());
            assertEquals(6, executor.read("sum").length);
            assertEquals(6, executor.read("x").length, "graph inputs stay readable");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> executor.read("relu"));
            assertTrue(e.getMessage().contains("'relu'") && e.getMessage().contains("kept values of the PlanRequest"),
                    e.getMessage());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> executor.read("reul"));
            assertTrue(unknown.getMessage().contains("'reul'"), unknown.getMessage());
        }
    }

    @Test
    void backwardRunsOnceAfterEachForwardFromThePlannedTargetOnly() {
        Graph graph = residual();
        CpuBackend backend = new CpuBackend();
        try (ParameterStore store = ParameterStore.initialize(graph, backend, 1);
             Executor training = backend.compile(graph, store, PlanRequest.backward("sum", List.of("sum")));
             Executor evaluation = backend.compile(graph, store, PlanRequest.forwardOnly(List.of("sum")))) {
            training.feed("x", new double[6]);
            IllegalStateException first = assertThrows(IllegalStateException.class,
                    () -> training.backward("sum", new double[6]));
            assertTrue(first.getMessage().contains("forward"), first.getMessage());
            training.forward(RunContext.evaluation());
            IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                    () -> training.backward("relu", new double[6]));
            assertTrue(other.getMessage().contains("'sum'"), other.getMessage());
            training.backward("sum", new double[6]);
            assertThrows(IllegalStateException.class, () -> training.backward("sum", new double[6]),
                    "the first backward freed what a second would read");

            evaluation.feed("x", new double[6]);
            evaluation.forward(RunContext.evaluation());
            IllegalStateException forwardOnly = assertThrows(IllegalStateException.class,
                    () -> evaluation.backward("sum", new double[6]));
            assertTrue(forwardOnly.getMessage().contains("forward only"), forwardOnly.getMessage());
        }
    }

    /** The reference backend whose add kernel reads its inputs' elements in backward, which add does not declare. */
    private static final class AddReadingItsInputs extends WrappedCpuBackend {
        @Override
        public <O extends Op> Kernel<O> kernel(Class<O> opClass) {
            Kernel<O> kernel = super.kernel(opClass);
            if (opClass != Add.class) {
                return kernel;
            }
            return new WrappedKernel<>(kernel) {
                @Override
                public void backward(O op, BackwardCall call) {
                    CpuBackend.data(call.input());
                    kernel.backward(op, call);
                }
            };
        }
    }
}
