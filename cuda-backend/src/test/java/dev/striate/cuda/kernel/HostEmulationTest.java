package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.RunContext;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphInput;
import dev.striate.core.graph.Node;
import dev.striate.core.op.Add;
import dev.striate.core.op.Linear;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.op.Tanh;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
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
 * The NVRTC kernels computed on the host against the reference, without a GPU, in every activation storage and layout
 * (fp32; bf16; bf16 with rank-4 activations channels-last, whose results must be the bf16 ones): every
 * gradient-check case whose ops all run on the project's own CUDA C kernels (no cuDNN, no cuBLAS) is run through the
 * CUDA kernels' host code, its launches replayed by a C++ program that includes the .cu files with the CUDA built-ins
 * emulated, and the output, every input gradient and every parameter gradient compared with the reference backend's
 * on the same inputs and parameters.
 *
 * <p>fp32: values and gradients F32, every element within 1e-5 + 1e-4·|ref| (float against float64). bf16: values
 * and gradients stored as the CUDA backend stores them in bf16 work (BF16 but the loss; parameters F32), the kernels'
 * bf16 variants run, and the reference fed the very bf16 values the kernels read (inputs and output gradient rounded
 * to bf16 first, so input rounding is not counted as error). Each result element of these cases is computed in
 * float from those exact inputs (a window or channel sum of n terms, batch norm's statistics included) and stored
 * once, rounded to nearest bf16: at most 2^-8 relative (8 significant bits, half a unit in the last place). Where an
 * input is read twice (the fan-out add) the first `+=` stores dy exactly and only the second rounds. So the bound is
 * the float tolerance t plus 2^-8·(|ref| + t) ({@link EmulationValues}); a truncating store or a kernel reading bf16 bits as floats fails it.
 * One exception: an add of k > 2 inputs stores each partial sum (a + b, then += each further input, as chained adds
 * under PyTorch's autocast do), and each earlier store adds up to 2^-8 of its partial sum's magnitude, which may
 * exceed |ref| (cancellation); those magnitudes, computed from the inputs, are added to that output's bound.
 * Likewise sigmoid, tanh and log-softmax differentiate from their stored (rounded) output, whose rounding reaches dx
 * through f'(y) ({@link #storedOutputRounding}). Parameter gradients stay F32 (fp32 sums of products of bf16 values)
 * and keep the float tolerance.
 *
 * <p>Channels-last runs hold rank-4 bf16 tensors in NHWC order ({@link HostProgram} gives and prints them in NCHW
 * order), so a kernel of the bf16-nhwc variant that addresses any of them as NCHW fails the same bounds.
 *
 * <p>Every node's output starts as NaN, as memory from {@code allocateUninitialized} may hold anything, so a forward
 * kernel that reads its output before writing it (adds into it) fails; so does every gradient the run hands its first
 * writer fresh ({@link KernelRun#writingFreshGradients()}, as the planned executor does), so a backward that reads or
 * skips part of a fresh gradient fails. One g++ build for all cases of all combinations;
 * skipped, saying why, where there is no g++.
 */
class HostEmulationTest {
    private static final long SEED = 7;
    private static final long STEP = 3;
    /** Cases each storage must run on the project's own kernels (fp32: 34, bf16: 37 when this was written). */
    private static final int FEWEST_CASES = 20;

    /**
     * A reference result, the type the CUDA tensor compared with it is stored in, and per element the magnitudes of
     * other bf16 roundings that reach it (0 for one store; none for F32): the partial results stored there before the
     * last store, or what the rounding of a stored output a backward reads contributes ({@link #storedOutputRounding}).
     */
    private record Expected(DType stored, double[] values, double[] otherRoundings) {
        Expected(DType stored, double[] values) {
            this(stored, values, new double[values.length]);
        }
    }

    /** One case in one storage: the reference's results by label. */
    private record Outcome(String caseName, Map<String, Expected> expected) {
    }

    @TestFactory
    Stream<DynamicTest> ownKernelsMatchTheReference(@TempDir Path folder) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation of the CUDA C kernels with");
        HostProgram program = new HostProgram();
        List<Outcome> outcomes = new ArrayList<>();
        int scenario = 0;
        // Every case in every combination: float, bf16, and bf16 with rank-4 activations channels-last.
        for (Work work : Work.values()) {
            int run = 0;
            for (GradCheckCase gradCase : GradCheckSuite.cases()) {
                String caseName = "[" + work + "] " + gradCase.op() + ": " + gradCase.name();
                if (gradCase.graph().nodes().stream().anyMatch(n -> n.op() instanceof Linear)) {
                    continue;
                }
                RecordingCudaContext context = new RecordingCudaContext(work.precision(), work.layout());
                KernelRun kernelRun = new KernelRun(context, gradCase.graph()).writingFreshGradients();
                Map<Tensor, double[]> initial = new IdentityHashMap<>();
                Map<String, Tensor> printed = new LinkedHashMap<>();
                Map<String, Expected> expected = reference(gradCase, kernelRun, initial, printed, scenario);
                for (Node node : gradCase.graph().nodes()) {
                    initial.put(kernelRun.value(node.name()), undefined(node.shape().size()));
                }
                for (String fresh : kernelRun.freshGradients()) {
                    initial.put(kernelRun.gradient(fresh), undefined(gradCase.graph().shapeOf(fresh).size()));
                }
                kernelRun.run(runContext(gradCase));
                if (!context.cudnnCalls().isEmpty()) {
                    continue;
                }
                program.scenario(context.device(), initial, context.launches(), printed);
                outcomes.add(new Outcome(caseName, expected));
                scenario++;
                run++;
            }
            assertTrue(run >= FEWEST_CASES, work + " cases on the project's own kernels: " + run);
        }
        Map<String, double[]> emulated = program.buildAndRun(folder);
        return outcomes.stream().map(outcome -> DynamicTest.dynamicTest(outcome.caseName(), () -> {
            outcome.expected().forEach((label, reference) -> EmulationValues.assertClose(label, reference.stored(),
                    reference.values(), reference.otherRoundings(), emulated.get(label)));
        }));
    }

    /**
     * Runs the case on the reference backend with made-up inputs and output gradient (held as the CUDA tensors hold
     * them) and its initial parameters, gives the CUDA run the same (as {@code initial}), names the CUDA tensors to
     * print (the output, input gradients and parameter gradients), and returns the reference's results under those
     * names.
     */
    private static Map<String, Expected> reference(GradCheckCase gradCase, KernelRun run, Map<Tensor, double[]> initial,
                                                   Map<String, Tensor> printed, int caseIndex) {
        Graph graph = gradCase.graph();
        Map<String, Expected> expected = new HashMap<>();
        CpuBackend cpu = new CpuBackend();
        try (ParameterStore store = ParameterStore.initialize(graph, cpu, SEED);
             Executor executor = cpu.compile(graph, store)) {
            int inputIndex = 0;
            Map<String, float[]> fed = new HashMap<>();
            for (GraphInput input : graph.inputs()) {
                Tensor device = run.value(input.name());
                if (input.dtype() == DType.I32) {
                    int[] labels = gradCase.labels().get(input.name());
                    executor.feed(input.name(), labels);
                    initial.put(device, Arrays.stream(labels).asDoubleStream().toArray());
                } else {
                    float[] values = EmulationValues.storedAs(device.dtype(),
                            EmulationValues.wave(device.size(), 0.37, 0.1 + inputIndex++, 3));
                    executor.feed(input.name(), values);
                    fed.put(input.name(), values);
                    initial.put(device, EmulationValues.toDoubles(values));
                    executor.requireInputGradient(input.name());
                }
            }
            for (Node node : graph.nodes()) {
                for (int i = 0; i < node.parameters().size(); i++) {
                    initial.put(run.parameters(node.name()).get(i), store.read(node.parameters().get(i).name()));
                }
            }
            executor.forward(runContext(gradCase));
            String output = graph.output();
            String prefix = "case" + caseIndex + " ";
            double[] result = executor.read(output);
            expected.put(prefix + "output", new Expected(run.value(output).dtype(), result,
                    earlierStores(graph.node(output), fed, result.length)));
            printed.put(prefix + "output", run.value(output));
            Tensor outputGradientTensor = run.gradient(output);
            double[] outputGradient = EmulationValues.toDoubles(EmulationValues.storedAs(outputGradientTensor.dtype(),
                    EmulationValues.wave(outputGradientTensor.size(), 0.23, Math.PI / 2, 1)));
            initial.put(outputGradientTensor, outputGradient);
            executor.backward(output, outputGradient);
            for (GraphInput input : graph.inputs()) {
                if (input.dtype() != DType.I32) {
                    Tensor inputGradient = run.gradient(input.name());
                    double[] gradient = executor.inputGradient(input.name());
                    expected.put(prefix + "d" + input.name(), new Expected(inputGradient.dtype(), gradient,
                            storedOutputRounding(graph.node(output), graph.shapeOf(output), result,
                                    outputGradient, gradient.length)));
                    printed.put(prefix + "d" + input.name(), inputGradient);
                }
            }
            for (Node node : graph.nodes()) {
                for (int i = 0; i < node.parameters().size(); i++) {
                    Tensor gradient = run.parameterGradients(node.name()).get(i);
                    String name = node.parameters().get(i).name();
                    if (gradient != null) {
                        expected.put(prefix + "d" + name,
                                new Expected(gradient.dtype(), cpu.read(store.gradient(name))));
                        printed.put(prefix + "d" + name, gradient);
                    }
                }
            }
        }
        return expected;
    }

    /**
     * The magnitudes of the partial sums an add of k > 2 graph inputs stores before its last store: |x0 + x1|, then
     * |x0 + x1 + x2|, ... up to k - 1 inputs, summed per element; zeros for any other node (one store per element).
     */
    private static double[] earlierStores(Node node, Map<String, float[]> fed, int size) {
        double[] magnitudes = new double[size];
        if (!(node.op() instanceof Add) || node.inputs().size() <= 2) {
            return magnitudes;
        }
        for (int i = 0; i < size; i++) {
            double partial = fed.get(node.inputs().get(0))[i];
            for (String input : node.inputs().subList(1, node.inputs().size() - 1)) {
                partial += fed.get(input)[i];
                magnitudes[i] += Math.abs(partial);
            }
        }
        return magnitudes;
    }

    /**
     * For one sigmoid, tanh or log-softmax node: per element of dx, |∂dx/∂y · y|, so that 2^-8 of it bounds what the
     * bf16 rounding of the stored output y (which their backward reads instead of x) moves dx by: sigmoid
     * dx = dy·y(1 - y), so |dy·(1 - 2y)·y|; tanh dx = dy·(1 - y²), so 2|dy|·y²; log-softmax dx = dy - e^y·Σ dy over
     * the row, so e^y·|y|·|Σ dy|. Zeros for any other node (of the input gradient's {@code size}).
     */
    private static double[] storedOutputRounding(Node node, Shape shape, double[] y, double[] dy, int size) {
        double[] magnitudes = new double[size];
        if (!(node.op() instanceof Sigmoid || node.op() instanceof Tanh || node.op() instanceof LogSoftmax)) {
            return magnitudes;
        }
        int row = node.op() instanceof LogSoftmax ? shape.dim(shape.rank() - 1) : 1;
        for (int i = 0; i < y.length; i++) {
            magnitudes[i] = switch (node.op()) {
                case Sigmoid s -> Math.abs(dy[i] * (1 - 2 * y[i]) * y[i]);
                case Tanh t -> 2 * Math.abs(dy[i]) * y[i] * y[i];
                case LogSoftmax l -> {
                    double rowSum = 0;
                    for (int j = i / row * row; j < i / row * row + row; j++) {
                        rowSum += dy[j];
                    }
                    yield Math.exp(y[i]) * Math.abs(y[i]) * Math.abs(rowSum);
                }
                default -> 0;
            };
        }
        return magnitudes;
    }

    private static double[] undefined(long size) {
        double[] values = new double[Math.toIntExact(size)];
        Arrays.fill(values, Double.NaN);
        return values;
    }

    private static RunContext runContext(GradCheckCase gradCase) {
        return gradCase.training() ? RunContext.training(SEED, STEP) : RunContext.evaluation();
    }
}
