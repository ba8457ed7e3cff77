package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.io.HalfPrecision;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fused convolution + ReLU's own launches computed on the host by g++ (one build), in fp32, bf16 and channels-last
 * bf16, with and without bias: {@code add_channel_bias_relu} turns y as cuDNN left it into max(y + b[c], 0) (in bf16
 * the sum clamped in float, then rounded once); {@code relu_backward} masks dy by that y into the temporary every
 * gradient pass reads; in bf16 the bias gradient's two stages add the masked dy per channel into db. cuDNN's
 * convolution is not emulated: y's starting values stand for its result. Channels-last, the host program holds y, dy
 * and the temporary in NHWC order, so a kernel that finds an element's channel the NCHW way adds the wrong bias.
 *
 * <p>Two kinds of scenario. Against plain loops: every expected value is exact (multiples of 1/8 and a bias of 2^-9,
 * whose sums a float holds; bf16 rounding done by {@link HalfPrecision} from that float, as the kernel's one store
 * does; sums of multiples of 1/2 in any order), so compared with tolerance 0; one element of y is NaN and must stay
 * NaN, its dy masked to 0; the temporary starts as NaN. Against the CPU reference's {@code conv2d_relu}: a 1×1
 * convolution with identity weights, whose cuDNN result is x itself (each output is 1·x), so the reference's y is
 * max(x + b, 0), its dx is the masked dy (identity transposed) and its db the masked dy's channel sums; compared within
 * {@link EmulationValues}' float and bf16 bounds.
 */
class Conv2dReluEmulationTest {
    /** Hand-loop scenarios: x [2, 2, 2, 2] through 3 filters 1×1, y [N 2, C 3, H 2, W 2], 24 values. */
    private static final Shape INPUT = Shape.of(2, 2, 2, 2);
    private static final int CHANNELS = 3;
    private static final int POSITIONS = 4;
    /** Per channel: raises some negative values above 0, pushes some positive ones below, a half-step rounding. */
    private static final double[] BIAS = {0.25, -0.5, 0x1p-9};
    private static final double[] BIAS_GRADIENT_BEFORE = {0.5, -1, 2};
    private static final int NAN_AT = 13;
    /** Reference scenarios: x and y [2, 3, 2, 3] (3 channels in, 3 out); a bias a float holds exactly. */
    private static final Shape IDENTITY_INPUT = Shape.of(2, 3, 2, 3);
    private static final double[] IDENTITY_BIAS = {0.375, -0.25, 0.0625};

    /** A one-word scenario name for the host program's labels ("<scenario> <tensor>"). */
    private static String label(Work work, String kind, boolean bias) {
        return kind + "-" + work.label() + (bias ? "-bias " : "-no-bias ");
    }

    /** What one printed tensor must hold. */
    private record Expected(String label, Consumer<double[]> check) {
    }

    @TestFactory
    Stream<DynamicTest> biasClampAndMaskMatchPlainLoopsAndTheReference(@TempDir Path folder) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation with");
        HostProgram program = new HostProgram();
        List<Expected> expected = new ArrayList<>();
        for (Work work : Work.values()) {
            for (boolean bias : new boolean[] {true, false}) {
                expected.addAll(handWorked(program, work, bias));
                expected.addAll(againstTheReference(program, work, bias));
            }
        }
        Map<String, double[]> emulated = program.buildAndRun(folder);
        return expected.stream().map(e -> DynamicTest.dynamicTest(e.label(),
                () -> e.check().accept(emulated.get(e.label()))));
    }

    /** A scenario with made-up exact values, checked against a plain loop. */
    private static List<Expected> handWorked(HostProgram program, Work work, boolean bias) {
        Conv2dRelu op = new Conv2dRelu(Conv2d.of(CHANNELS, 1, 1, 0).withBias(bias));
        double[] convolved = new double[Math.toIntExact(op.outputShape(List.of(INPUT)).size())];
        double[] outputGradient = new double[convolved.length];
        for (int i = 0; i < convolved.length; i++) {
            convolved[i] = ((i * 5) % 11 - 5) / 8.0;
            outputGradient[i] = (i % 5 + 1) * (i % 2 == 0 ? 0.5 : -0.5);
        }
        convolved[NAN_AT] = Double.NaN;
        double[] y = new double[convolved.length];
        double[] mask = new double[convolved.length];
        double[] biasGradient = BIAS_GRADIENT_BEFORE.clone();
        for (int i = 0; i < y.length; i++) {
            int channel = i / POSITIONS % CHANNELS;
            float sum = (float) convolved[i] + (bias ? (float) BIAS[channel] : 0f);
            float clamped = sum <= 0 ? 0 : sum;
            y[i] = work.activations() == DType.BF16 ? HalfPrecision.fromBf16Bits(HalfPrecision.toBf16Bits(clamped))
                    : clamped;
            mask[i] = y[i] > 0 ? outputGradient[i] : 0;
            biasGradient[channel] += mask[i];
        }
        return scenario(program, work, op, INPUT, convolved, BIAS, BIAS_GRADIENT_BEFORE, outputGradient,
                label(work, "loop", bias), (label, stored) -> new Expected(label, actual -> exactlyEqual(label,
                        switch (label.substring(label.indexOf(' ') + 1)) {
                            case "y" -> y;
                            case "masked" -> mask;
                            default -> biasGradient;
                        }, actual)));
    }

    /**
     * A scenario whose cuDNN result is known without cuDNN (identity 1×1 weights: y before the bias is x), checked
     * against the reference backend's conv2d_relu on the same values: its y, dx (= the masked dy) and db.
     */
    private static List<Expected> againstTheReference(HostProgram program, Work work, boolean bias) {
        int channels = IDENTITY_INPUT.channels();
        Conv2dRelu op = new Conv2dRelu(Conv2d.of(channels, 1, 1, 0).withBias(bias));
        double[] x = EmulationValues.toDoubles(EmulationValues.storedAs(work.activations(),
                EmulationValues.wave(IDENTITY_INPUT.size(), 0.61, 0.3, 1)));
        double[] outputGradient = EmulationValues.toDoubles(EmulationValues.storedAs(work.activations(),
                EmulationValues.wave(IDENTITY_INPUT.size(), 0.43, 1.1, 2)));
        GraphBuilder builder = new GraphBuilder();
        builder.input("x", IDENTITY_INPUT);
        builder.add("conv", op, "x");
        Graph graph = builder.build("conv");
        Map<String, double[]> reference = new LinkedHashMap<>();
        CpuBackend cpu = new CpuBackend();
        try (ParameterStore store = ParameterStore.initialize(graph, cpu, 3);
             Executor executor = cpu.compile(graph, store)) {
            double[] identity = new double[channels * channels];
            for (int c = 0; c < channels; c++) {
                identity[c * channels + c] = 1;
            }
            store.write("conv.weight", identity);
            if (bias) {
                store.write("conv.bias", IDENTITY_BIAS);
            }
            executor.feed("x", x);
            executor.requireInputGradient("x");
            executor.forward(RunContext.training(1, 1));
            reference.put("y", executor.read("conv"));
            executor.backward("conv", outputGradient);
            reference.put("masked", executor.inputGradient("x"));
            if (bias) {
                reference.put("db", cpu.read(store.gradient("conv.bias")));
            }
        }
        return scenario(program, work, op, IDENTITY_INPUT, x, IDENTITY_BIAS, new double[channels], outputGradient,
                label(work, "reference", bias), (label, stored) -> new Expected(label, actual -> {
                    String tensor = label.substring(label.indexOf(' ') + 1);
                    // db is a float parameter gradient: float's bound whatever the activations.
                    EmulationValues.assertClose(label, tensor.equals("db") ? DType.F32 : stored,
                            reference.get(tensor), new double[actual.length], actual);
                }));
    }

    /** Makes the expectation of one printed tensor from its label and the type it is stored in. */
    private interface Expectation {
        Expected of(String label, DType stored);
    }

    /**
     * Records one run of the kernel ({@code convolved} standing for cuDNN's y), gives the host program the starting
     * values, and returns the expectations of y, the masked dy and, where a bf16 kernel computes it, db.
     */
    private static List<Expected> scenario(HostProgram program, Work work, Conv2dRelu op, Shape input,
                                           double[] convolved, double[] bias, double[] biasGradientBefore,
                                           double[] outputGradient, String prefix, Expectation expectation) {
        RecordingCudaContext context = new RecordingCudaContext(work.precision(), work.layout());
        NodeRun node = new NodeRun(context, new Conv2dReluKernel(context), op, input, work.activations());
        node.run(RunContext.training(1, 1), true);
        Tensor masked = (Tensor) context.launches().stream().filter(l -> l.kernel().equals("relu_backward"))
                .findFirst().orElseThrow().arguments().get(2);
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        initial.put(node.y, convolved);
        initial.put(node.dy, outputGradient);
        // A temporary may hold anything: the mask must write it whole, never add into it.
        double[] undefined = new double[convolved.length];
        Arrays.fill(undefined, Double.NaN);
        initial.put(masked, undefined);
        Map<String, Tensor> printed = new LinkedHashMap<>();
        printed.put(prefix + "y", node.y);
        printed.put(prefix + "masked", masked);
        if (op.conv().bias()) {
            initial.put(node.params.get(1), bias.clone());
            initial.put(node.paramGrads.get(1), biasGradientBefore.clone());
            if (work.precision() == Precision.BF16) {
                printed.put(prefix + "db", node.paramGrads.get(1));
            }
        }
        program.scenario(context.device(), initial, context.launches(), printed);
        List<Expected> expected = new ArrayList<>();
        printed.forEach((label, tensor) -> expected.add(expectation.of(label, tensor.dtype())));
        return expected;
    }

    private static void exactlyEqual(String label, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, label);
        for (int i = 0; i < expected.length; i++) {
            if (Double.isNaN(expected[i])) {
                assertTrue(Double.isNaN(actual[i]), label + " element " + i + ": expected NaN, got " + actual[i]);
            } else {
                assertEquals(expected[i], actual[i], 0.0, label + " element " + i);
            }
        }
    }
}
