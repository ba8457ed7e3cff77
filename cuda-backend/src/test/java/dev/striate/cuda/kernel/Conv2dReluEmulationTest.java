package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.io.HalfPrecision;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Conv2dRelu;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * A fused convolution + ReLU's own launches computed on the host by g++, in fp32, bf16 and channels-last bf16, with
 * and without bias, against plain loops: {@code add_channel_bias_relu} turns y as cuDNN left it into
 * max(y + b[c], 0) (in bf16 the sum clamped in float, then rounded once to nearest even); {@code relu_backward} masks
 * dy by that y into the temporary every gradient pass reads; in bf16 the bias gradient's two stages add the masked
 * dy per channel into db. The convolution itself is cuDNN's and not emulated: y's made-up starting values stand for
 * its result. Channels-last, the host program holds y, dy and the temporary in NHWC order, so a kernel that finds an
 * element's channel the NCHW way adds the wrong bias.
 *
 * <p>Every expected value is exact (multiples of 1/8 and a bias of 2^-9, whose sums a float holds; bf16 rounding done
 * by {@link HalfPrecision} from that float, as the kernel's one store does; sums of multiples of 1/2 in any order), so
 * results are compared exactly: tolerance 0. One element of y is NaN and must stay NaN, its dy masked to 0; the
 * temporary starts as NaN.
 */
class Conv2dReluEmulationTest {
    /** x [2, 2, 2, 2] through 3 filters 1×1: y [N 2, C 3, H 2, W 2], 24 values. */
    private static final Shape INPUT = Shape.of(2, 2, 2, 2);
    private static final int CHANNELS = 3;
    private static final int POSITIONS = 4;
    /** Per channel: raises some negative values above 0, pushes some positive ones below, a half-step rounding. */
    private static final double[] BIAS = {0.25, -0.5, 0x1p-9};
    private static final double[] BIAS_GRADIENT_BEFORE = {0.5, -1, 2};
    private static final int NAN_AT = 13;

    /** A precision and the layout of its rank-4 activations. */
    private record Work(Precision precision, ActivationLayout layout) {
        DType activations() {
            return precision == Precision.BF16 ? DType.BF16 : DType.F32;
        }

        @Override
        public String toString() {
            return precision.flagValue() + " " + layout;
        }
    }

    /** A label's expected values and the tensor printed under it. */
    private record Expected(String label, double[] values) {
    }

    @TestFactory
    Stream<DynamicTest> biasClampAndMaskMatchPlainLoops(@TempDir Path folder) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation with");
        HostProgram program = new HostProgram();
        List<Expected> expected = new ArrayList<>();
        for (Work work : List.of(new Work(Precision.FP32, ActivationLayout.NCHW),
                new Work(Precision.BF16, ActivationLayout.NCHW), new Work(Precision.BF16, ActivationLayout.NHWC))) {
            for (boolean bias : new boolean[] {true, false}) {
                expected.addAll(scenario(program, work, bias));
            }
        }
        Map<String, double[]> emulated = program.buildAndRun(folder);
        return expected.stream().map(e -> DynamicTest.dynamicTest(e.label(),
                () -> assertExactlyEqual(e.label(), e.values(), emulated.get(e.label()))));
    }

    /** Records one run of the kernel, gives the host program its starting values, and returns what it must print. */
    private static List<Expected> scenario(HostProgram program, Work work, boolean bias) {
        RecordingCudaContext context = new RecordingCudaContext(work.precision(), work.layout());
        NodeRun node = new NodeRun(context, new Conv2dReluKernel(context),
                new Conv2dRelu(Conv2d.of(CHANNELS, 1, 1, 0).withBias(bias)), INPUT, work.activations());
        node.run(RunContext.training(1, 1), true);
        Tensor masked = (Tensor) context.launches().stream().filter(l -> l.kernel().equals("relu_backward"))
                .findFirst().orElseThrow().arguments().get(2);

        double[] convolved = new double[Math.toIntExact(node.y.size())];
        double[] outputGradient = new double[convolved.length];
        for (int i = 0; i < convolved.length; i++) {
            convolved[i] = ((i * 5) % 11 - 5) / 8.0;
            outputGradient[i] = (i % 5 + 1) * (i % 2 == 0 ? 0.5 : -0.5);
        }
        convolved[NAN_AT] = Double.NaN;
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        initial.put(node.y, convolved);
        initial.put(node.dy, outputGradient);
        // A temporary may hold anything: the mask must write it whole, never add into it.
        double[] undefined = new double[convolved.length];
        Arrays.fill(undefined, Double.NaN);
        initial.put(masked, undefined);
        if (bias) {
            initial.put(node.params.get(1), BIAS.clone());
            initial.put(node.paramGrads.get(1), BIAS_GRADIENT_BEFORE.clone());
        }

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
        // HostProgram's labels are two words: the scenario, then the tensor.
        String prefix = work.precision().flagValue() + "-" + work.layout() + (bias ? "-bias " : "-no-bias ");
        Map<String, Tensor> printed = new LinkedHashMap<>();
        List<Expected> expected = new ArrayList<>();
        printed.put(prefix + "y", node.y);
        expected.add(new Expected(prefix + "y", y));
        printed.put(prefix + "masked", masked);
        expected.add(new Expected(prefix + "masked", mask));
        if (bias && work.precision() == Precision.BF16) {
            printed.put(prefix + "db", node.paramGrads.get(1));
            expected.add(new Expected(prefix + "db", biasGradient));
        }
        program.scenario(context.device(), initial, context.launches(), printed);
        return expected;
    }

    private static void assertExactlyEqual(String label, double[] expected, double[] actual) {
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
