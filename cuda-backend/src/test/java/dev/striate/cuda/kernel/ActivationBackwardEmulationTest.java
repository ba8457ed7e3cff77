package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.Kernel;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.op.Tanh;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backward of ReLU, ReLU6, sigmoid and tanh from their output alone ({@code elementwise.cu}'s
 * {@code *_backward(y, dy, dx, n)}), computed on the host through the kernels' host code, against the reference
 * backend's dx for the same x: x takes the kinks 0 and 6 exactly (where the reference's derivative is 0), values
 * beside them, and both saturations. The kernels get x as a released tensor, so reading it fails; dx starts at 0.5
 * everywhere, so the kernels must add into it: expected dx = 0.5 + the reference's.
 */
class ActivationBackwardEmulationTest {
    private static final float[] X = {-3f, -1e-3f, 0f, 1e-3f, 0.5f, 2f, 5.999f, 6f, 6.001f, 9f, -0f};
    private static final double START = 0.5;

    @TestFactory
    Stream<DynamicTest> backwardFromTheOutputMatchesTheReference(@TempDir Path work) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation with");
        HostProgram program = new HostProgram();
        Map<String, double[]> expected = new LinkedHashMap<>();
        List<Op> ops = List.of(new Relu(), new Relu6(), new Sigmoid(), new Tanh());
        for (Op op : ops) {
            String label = Op.typeNameOf(op.getClass()) + " dx";
            expected.put(label, scenario(program, op, label));
        }
        Map<String, double[]> emulated = program.buildAndRun(work);
        return expected.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(),
                () -> EmulationValues.assertClose(e.getKey(), e.getValue(), emulated.get(e.getKey()))));
    }

    /** Records the CUDA kernel's backward on y and dy from the reference; returns the reference's dx plus START. */
    private static double[] scenario(HostProgram program, Op op, String label) {
        double[] outputGradient = new double[X.length];
        for (int i = 0; i < X.length; i++) {
            outputGradient[i] = 1 + 0.25 * i;
        }
        double[][] reference = reference(op, outputGradient);
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        FakeDevice device = context.device();
        Shape shape = Shape.of(X.length);
        Tensor x = device.allocate(shape, DType.F32);
        device.release(x);
        Tensor y = device.allocate(shape, DType.F32);
        Tensor dy = device.allocate(shape, DType.F32);
        Tensor dx = device.allocate(shape, DType.F32);
        double[] start = new double[X.length];
        Arrays.fill(start, START);
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        initial.put(y, reference[0]);
        initial.put(dy, outputGradient);
        initial.put(dx, start);
        kernel(op, context).backward(op, new BackwardCall(List.of(x), List.of(), y, dy, Arrays.asList(dx),
                List.of(), RunContext.evaluation(), 0, null, null));
        assertEquals(1, context.launches().size(), "one launch, no cuDNN");
        assertEquals(List.of(), context.cudnnCalls());
        program.scenario(device, initial, context.launches(), Map.of(label, dx));
        double[] dxExpected = reference[1].clone();
        for (int i = 0; i < dxExpected.length; i++) {
            dxExpected[i] += START;
        }
        return dxExpected;
    }

    /** The reference backend's y and dx for x = X (as floats) and the given dy. */
    private static double[][] reference(Op op, double[] outputGradient) {
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", Shape.of(X.length));
        builder.add("f", op, "x");
        Graph graph = builder.build("f");
        CpuBackend cpu = new CpuBackend();
        try (ParameterStore store = ParameterStore.initialize(graph, cpu, 1);
             Executor executor = cpu.compile(graph, store)) {
            executor.feed("x", X);
            executor.requireInputGradient("x");
            executor.forward(RunContext.evaluation());
            double[] y = executor.read("f");
            executor.backward("f", outputGradient);
            return new double[][] {y, executor.inputGradient("x")};
        }
    }

    @SuppressWarnings("unchecked")
    private static Kernel<Op> kernel(Op op, RecordingCudaContext context) {
        Kernel<?> kernel = switch (op) {
            case Relu _ -> new ReluKernel(context);
            case Relu6 _ -> new Relu6Kernel(context);
            case Sigmoid _ -> new SigmoidKernel(context);
            case Tanh _ -> new TanhKernel(context);
            default -> throw new IllegalArgumentException("not an activation with a backward from its output: " + op);
        };
        return (Kernel<Op>) kernel;
    }
}
