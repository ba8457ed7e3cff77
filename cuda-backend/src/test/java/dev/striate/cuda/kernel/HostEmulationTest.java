package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.graph.Node;
import dev.striate.core.op.Linear;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NVRTC kernels computed on the host against the reference, without a GPU: every gradient-check case whose ops
 * all run on the project's own CUDA C kernels (no cuDNN, no cuBLAS) is run through the CUDA kernels' host code, its
 * launches replayed by a C++ program that includes the .cu files with the CUDA built-ins emulated, and the output
 * and every input gradient compared with the reference backend's on the same inputs (max |cuda - ref| ≤ 1e-5 +
 * 1e-4·|ref|, float against float64). Every node's output starts as NaN, as memory from
 * {@code allocateUninitialized} may hold anything, so a forward kernel that reads its output before writing it (adds
 * into it) fails. One g++ build for all cases; skipped, saying why, where there is no g++.
 */
class HostEmulationTest {
    private static final long SEED = 7;
    private static final long STEP = 3;

    /** One case's expected (reference) and emulated results, by label. */
    private record Outcome(String caseName, Map<String, double[]> expected) {
    }

    @TestFactory
    Stream<DynamicTest> ownKernelsMatchTheReference(@TempDir Path work) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation of the CUDA C kernels with");
        HostProgram program = new HostProgram();
        List<Outcome> outcomes = new ArrayList<>();
        for (GradCheckCase gradCase : GradCheckSuite.cases()) {
            if (gradCase.graph().nodes().stream().anyMatch(n -> n.op() instanceof Linear)) {
                continue;
            }
            RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
            KernelRun run = new KernelRun(context, gradCase.graph());
            Map<Tensor, double[]> initial = new IdentityHashMap<>();
            Map<String, Tensor> printed = new LinkedHashMap<>();
            Map<String, double[]> expected = reference(gradCase, run, initial, printed, outcomes.size());
            for (Node node : gradCase.graph().nodes()) {
                double[] undefined = new double[Math.toIntExact(node.shape().size())];
                Arrays.fill(undefined, Double.NaN);
                initial.put(run.value(node.name()), undefined);
            }
            run.run(runContext(gradCase));
            if (!context.cudnnCalls().isEmpty()) {
                continue;
            }
            program.scenario(context.device(), initial, context.launches(), printed);
            outcomes.add(new Outcome(gradCase.op() + ": " + gradCase.name(), expected));
        }
        assertTrue(outcomes.size() >= 20, "cases on the project's own kernels: " + outcomes.size());
        Map<String, double[]> emulated = program.buildAndRun(work);
        return outcomes.stream().map(outcome -> DynamicTest.dynamicTest(outcome.caseName(), () ->
                outcome.expected().forEach((label, reference) ->
                        EmulationValues.assertClose(label, reference, emulated.get(label)))));
    }

    /**
     * Runs the case on the reference backend with made-up inputs and output gradient, gives the CUDA run the same
     * (as {@code initial}), names the CUDA tensors to print, and returns the reference's results under those names.
     */
    private static Map<String, double[]> reference(GradCheckCase gradCase, KernelRun run, Map<Tensor, double[]> initial,
                                                   Map<String, Tensor> printed, int caseIndex) {
        Graph graph = gradCase.graph();
        Map<String, double[]> expected = new HashMap<>();
        CpuBackend cpu = new CpuBackend();
        try (ParameterStore store = ParameterStore.initialize(graph, cpu, SEED);
             Executor executor = cpu.compile(graph, store)) {
            int inputIndex = 0;
            for (GraphInput input : graph.inputs()) {
                Tensor device = run.value(input.name());
                if (input.dtype() == DType.I32) {
                    int[] labels = gradCase.labels().get(input.name());
                    executor.feed(input.name(), labels);
                    initial.put(device, Arrays.stream(labels).asDoubleStream().toArray());
                } else {
                    float[] values = EmulationValues.wave(device.size(), 0.37, 0.1 + inputIndex++, 3);
                    executor.feed(input.name(), values);
                    initial.put(device, EmulationValues.toDoubles(values));
                    executor.requireInputGradient(input.name());
                }
            }
            executor.forward(runContext(gradCase));
            String output = graph.output();
            String prefix = "case" + caseIndex + " ";
            expected.put(prefix + "output", executor.read(output));
            printed.put(prefix + "output", run.value(output));
            double[] outputGradient =
                    EmulationValues.toDoubles(EmulationValues.wave(run.value(output).size(), 0.23, Math.PI / 2, 1));
            initial.put(run.gradient(output), outputGradient);
            executor.backward(output, outputGradient);
            for (GraphInput input : graph.inputs()) {
                if (input.dtype() != DType.I32) {
                    expected.put(prefix + "d" + input.name(), executor.inputGradient(input.name()));
                    printed.put(prefix + "d" + input.name(), run.gradient(input.name()));
                }
            }
        }
        return expected;
    }

    private static RunContext runContext(GradCheckCase gradCase) {
        return gradCase.training() ? RunContext.training(SEED, STEP) : RunContext.evaluation();
    }
}
