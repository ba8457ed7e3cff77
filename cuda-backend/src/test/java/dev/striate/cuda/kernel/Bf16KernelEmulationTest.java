package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.TensorRole;
import dev.striate.core.op.Elu;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.Relu6;
import dev.striate.core.op.Sigmoid;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.op.Tanh;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bf16 variant of {@code activation.cu} (the forwards, ELU's backward), {@code loss.cu} (log softmax, softmax
 * cross-entropy) and {@code topk.cu}, launched by their kernel classes on BF16 tensors and computed on the host,
 * against the reference backend's float64 kernels on the same bf16 values ({@link Bf16Node}). Forward and backward are
 * separate scenarios: backward gets the reference's y rounded to bf16, as the forward would have stored it.
 *
 * <p>Tolerance of a bf16 result: the kernel computes in float from exact inputs, as the fp32 emulation tests tolerate
 * (1e-5 + 1e-4·|ref|), then stores once, rounding to nearest among 8 significant bits: at most half a step, which is
 * 2^-8·|ref| where the value sits just above a power of two (sigmoid(2^-7) = 0.501953... is stored as 0.5: 2^-8 off
 * relative, so half a step is not 2^-9 of the value). A truncating store (off by up to a whole step, 2^-7 relative) or
 * a bf16 intermediate (a row's log Σ e^x stored before use) falls outside it somewhere in these inputs.
 * The loss is stored as a float: the fp32 tolerance. Top-k indices are exact.
 */
class Bf16KernelEmulationTest {
    /** The most one bf16 store moves a value, relative to it: half a step, a step being 2^-7 of 2^floor(log2|v|). */
    private static final double STORE = 0x1p-8;
    private static final double NAN = Double.NaN;

    private final HostProgram program = new HostProgram();
    private final Map<String, double[]> expected = new LinkedHashMap<>();
    private final Map<String, Boolean> storedInBf16 = new LinkedHashMap<>();

    @TestFactory
    Stream<DynamicTest> bf16KernelsMatchTheReferenceOnBf16Values(@TempDir Path work) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation with");
        double[] x = activationInputs();
        Shape shape = Shape.of(x.length);
        double[] dy = Bf16Node.rounded(EmulationValues.wave(x.length, 0.41, 0.3, 2));
        double[] start = Bf16Node.rounded(EmulationValues.wave(x.length, 0.17, 1.1, 1));
        for (Op op : List.of(new Relu(), new Relu6(), new Sigmoid(), new Tanh(), new Elu(0.7))) {
            Bf16Node node = Bf16Node.unary(op, shape, x);
            add(Op.typeNameOf(op.getClass()) + " y", node.forward(), true);
        }
        Bf16Node elu = Bf16Node.unary(new Elu(0.7), shape, x);
        add("elu dx", elu.backward(dy, List.of(start)), true);

        Shape rows = Shape.of(3, 300);
        double[] logits = logits(rows);
        double[] rowsGradient = Bf16Node.rounded(EmulationValues.wave(rows.size(), 0.29, 0.7, 1.5));
        double[] rowsStart = Bf16Node.rounded(EmulationValues.wave(rows.size(), 0.13, 0.2, 0.5));
        Bf16Node logSoftmax = Bf16Node.unary(new LogSoftmax(), rows, logits);
        add("log_softmax y", logSoftmax.forward(), true);
        add("log_softmax dx", logSoftmax.backward(rowsGradient, List.of(rowsStart)), true);

        Bf16Node crossEntropy = new Bf16Node(new SoftmaxCrossEntropy(0.1), List.of(rows, Shape.of(3)),
                List.of(DType.BF16, DType.I32), List.of(logits, new double[] {4, 299, 0}), DType.F32);
        add("cross_entropy loss", crossEntropy.forward(), false);
        add("cross_entropy dlogits", crossEntropy.backward(new double[] {1.5}, Arrays.asList(rowsStart,
                null)), true);
        topK();

        Map<String, double[]> emulated = program.buildAndRun(work);
        return expected.keySet().stream().map(label -> DynamicTest.dynamicTest(label,
                () -> assertClose(label, expected.get(label), emulated.get(label), storedInBf16.get(label))));
    }

    private void add(String label, Bf16Node.Run run, boolean bf16) {
        expected.put(label, run.reference());
        storedInBf16.put(label, bf16);
        program.scenario(run.device(), run.initial(), run.launches(), Map.of(label, run.result()));
    }

    /**
     * ReLU's kink 0 (and -0), ReLU6's 6 and values beside it, saturations of sigmoid and tanh, values near 0 where
     * ELU's e^x - 1 cancels, NaN (kept by every activation, as by the reference), and a wave; all bf16 values.
     */
    private static double[] activationInputs() {
        double[] special = {0, -0.0, 6, 5.96875, 6.0625, -9, 12, 1e-3, -1e-3, 0x1p-7, -20, 30, NAN};
        double[] wave = EmulationValues.toDoubles(EmulationValues.wave(40, 0.37, 0.1, 7));
        double[] values = Arrays.copyOf(special, special.length + wave.length);
        System.arraycopy(wave, 0, values, special.length, wave.length);
        return Bf16Node.rounded(values);
    }

    /** Three rows of 300 logits (more than the block's 256 threads), the last row offset by 80 (stable log Σ e^x). */
    private static double[] logits(Shape rows) {
        double[] values = EmulationValues.toDoubles(EmulationValues.wave(rows.size(), 0.23, 0.4, 4));
        for (int k = 600; k < 900; k++) {
            values[k] += 80;
        }
        return Bf16Node.rounded(values);
    }

    /**
     * Scores that differ as floats but tie in bf16 (1, 1.001 and 0.999 are all 1; 2 and 2.004 are 2; 7 and 7.01 are
     * 7): the reference on the rounded scores takes ties in index order, so row 0 is 3, 4, 0 where the floats would
     * give 4, 3, 1, and row 1 is 1, 2, 5 (worked by hand, checked against the reference first).
     */
    private void topK() {
        double[] scores = Bf16Node.rounded(new double[] {1, 1.001, 0.999, 2, 2.004, -1, -3, 7, 7.01, 0, 0, 5});
        CpuBackend cpu = new CpuBackend();
        Tensor reference = cpu.allocate(Shape.of(2, 6), DType.F32, TensorRole.ACTIVATION);
        cpu.write(reference, scores);
        int[] indices = cpu.topK(reference, 3);
        assertArrayEquals(new int[] {3, 4, 0, 1, 2, 5}, indices, "the reference on bf16 scores");
        expected.put("top_k indices", Arrays.stream(indices).asDoubleStream().toArray());
        storedInBf16.put("top_k indices", false);
        FakeDevice device = new FakeDevice();
        Tensor deviceScores = device.allocate(Shape.of(2, 6), DType.BF16);
        Tensor out = device.allocate(Shape.of(6), DType.I32);
        program.scenario(device, Map.of(deviceScores, scores), List.of(new RecordingCudaContext.Launch("topk",
                DType.BF16, "top_k", 1, 128, List.of(deviceScores, 2, 6, 3, out))), Map.of("top_k indices", out));
    }

    /** Within the float tolerance, plus half a bf16 step of the reference for a bf16 result; NaN where it is. */
    private static void assertClose(String label, double[] reference, double[] actual, boolean bf16) {
        assertEquals(reference.length, actual == null ? -1 : actual.length, label + ": values emulated");
        for (int i = 0; i < reference.length; i++) {
            if (Double.isNaN(reference[i])) {
                assertEquals(true, Double.isNaN(actual[i]), label + " element " + i + ": NaN expected");
                continue;
            }
            double tolerance = 1e-5 + (1e-4 + (bf16 ? STORE : 0)) * Math.abs(reference[i]);
            if (!(Math.abs(actual[i] - reference[i]) <= tolerance)) {
                throw new AssertionError(label + " element " + i + ": emulated CUDA " + actual[i] + ", reference "
                        + reference[i] + " (tolerance " + tolerance + ")");
            }
        }
    }
}
