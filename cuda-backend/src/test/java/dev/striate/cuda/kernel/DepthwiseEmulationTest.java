package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
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
 * {@link DepthwiseConvolution}'s three passes computed on the host by g++ (one build), in fp32, bf16 and channels-last
 * bf16, against the CPU reference's grouped convolution (groups = input channels) on the geometries of
 * {@link DepthwiseCase} (3×3 runs the {@code _3x3} kernels, the others the general ones; "3x3-chunks" has more than
 * one chunk per channel in both layouts). In bf16 the weight operand is the {@link Bf16WeightCopy} cast from the float
 * weight as the convolution path makes it, so the copy's channels-last layout [K, R, S, 1] is read as [K, 1, R, S].
 * Each geometry accumulates in one of fp32 and channels-last bf16 and not in the other (bf16 NCHW, which differs from
 * fp32 NCHW only in the stored type, runs the geometries at odd positions, those at 3, 7, ... accumulating, and the
 * hand-worked case fresh): fresh, dx, dw, y and the partials start NaN and must come out clean; accumulating, dx and dw
 * start at made-up values the result adds to.
 *
 * <p>Tolerances: y and dx as {@link EmulationValues} states for float and bf16 results (a few dozen float terms, one
 * bf16 rounding on store); dw, a float sum of up to N·Ho·Wo = 4232 products here, as
 * {@link DepthwiseReference#assertWeightGradient} states. A hand-worked case (2×2 filters, multiplier 2, integer values
 * every type holds) is compared with tolerance 0.
 */
class DepthwiseEmulationTest {
    /** The hand-worked case: x [1, 1, 3, 3] = 1..9, two 2×2 filters, stride 1, no padding; y [1, 2, 2, 2]. */
    private static final DepthwiseCase HAND = new DepthwiseCase("hand", 1, 1, 3, 3, 2, 2, 2, 1, 0, 0, 1);


    /** What one printed tensor must hold. */
    private record Expected(String label, Runnable check) {
    }

    /** The inputs of one run, and dx and dw before it (null: handed over fresh). */
    private record Inputs(double[] x, double[] w, double[] dy, double[] dxBefore, double[] dwBefore) {
    }

    @TestFactory
    Stream<DynamicTest> threePassesMatchTheReferenceInEveryVariant(@TempDir Path folder) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation with");
        HostProgram program = new HostProgram();
        List<Expected> expected = new ArrayList<>();
        Map<String, double[]> emulated = new LinkedHashMap<>();
        for (Work work : Work.values()) {
            boolean bf16Nchw = work == Work.BF16;
            expected.addAll(handWorked(program, work, !bf16Nchw, emulated));
            for (int i = 0; i < DepthwiseCase.GEOMETRIES.length; i++) {
                // bf16 NCHW differs from fp32 only in the stored type: the odd geometries (g++'s build is the cost).
                if (bf16Nchw && i % 2 == 0) {
                    continue;
                }
                boolean accumulate = bf16Nchw ? i % 4 == 3 : (i % 2 == 1) == (work.precision() == Precision.FP32);
                expected.addAll(againstTheReference(program, work, DepthwiseCase.GEOMETRIES[i], accumulate,
                        emulated));
            }
        }
        // The checks read the map when they run, after the program has.
        emulated.putAll(program.buildAndRun(folder));
        return expected.stream().map(e -> DynamicTest.dynamicTest(e.label(), e.check()::run));
    }

    /**
     * x = 1..9; filter 0 = [[1, 0], [0, -1]], filter 1 = [[0, 2], [1, 0]]; dy channel 0 = [[1, 2], [3, 4]], channel 1
     * = [[1, 0], [0, 1]]. y0 = x[i][j] - x[i+1][j+1] = -4 everywhere; y1 = 2·x[i][j+1] + x[i+1][j] = [[8, 11], [17,
     * 20]]. dx = dy0 at (0, 0) - dy0 shifted by (1, 1) + 2·dy1 shifted right + dy1 shifted down. dw0[r][s] =
     * Σ dy0[i][j]·x[i+r][j+s] = [[37, 47], [67, 77]]; dw1[r][s] = x[r][s] + x[1+r][1+s] = [[6, 8], [12, 14]].
     */
    private static List<Expected> handWorked(HostProgram program, Work work, boolean accumulate,
                                             Map<String, double[]> emulated) {
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] w = {1, 0, 0, -1, 0, 2, 1, 0};
        double[] dy = {1, 2, 3, 4, 1, 0, 0, 1};
        double[] dxBefore = accumulate ? new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1} : null;
        double[] dwBefore = accumulate ? new double[] {2, 2, 2, 2, 2, 2, 2, 2} : null;
        double prior = accumulate ? 1 : 0;
        double priorWeight = accumulate ? 2 : 0;
        double[] dx = {1, 4, 0, 4, 3, 0, 0, -2, -4};
        double[] dw = {37, 47, 67, 77, 6, 8, 12, 14};
        DepthwiseReference wanted = new DepthwiseReference(new double[] {-4, -4, -4, -4, 8, 11, 17, 20},
                Arrays.stream(dx).map(value -> value + prior).toArray(),
                Arrays.stream(dw).map(value -> value + priorWeight).toArray());
        String prefix = "hand-" + work.label() + (accumulate ? "-accumulate" : "-fresh");
        record(program, work, HAND, new Inputs(x, w, dy, dxBefore, dwBefore), prefix);
        return List.of(
                new Expected(prefix + " y", () -> assertArrayEquals(wanted.y(), emulated.get(prefix + " y"), 0.0)),
                new Expected(prefix + " dx", () -> assertArrayEquals(wanted.dx(), emulated.get(prefix + " dx"), 0.0)),
                new Expected(prefix + " dw", () -> assertArrayEquals(wanted.dw(), emulated.get(prefix + " dw"), 0.0)));
    }

    private static List<Expected> againstTheReference(HostProgram program, Work work, DepthwiseCase geometry,
                                                      boolean accumulate, Map<String, double[]> emulated) {
        DType stored = work.activations();
        double[] x = DepthwiseCase.values(stored, geometry.input().size(), 0.61, 0.3, 1);
        double[] w = DepthwiseCase.values(stored, geometry.weight().size(), 0.37, 0.9, 0.5);
        double[] dy = DepthwiseCase.values(stored, geometry.output().size(), 0.43, 1.1, 2);
        double[] dxBefore = accumulate ? DepthwiseCase.values(stored, geometry.input().size(), 0.29, 0.2, 1) : null;
        double[] dwBefore = accumulate ? DepthwiseCase.values(DType.F32, geometry.weight().size(), 0.53, 0.7, 1) : null;
        DepthwiseReference reference = DepthwiseReference.of(geometry, x, w, dy);
        double[] magnitudes = DepthwiseReference.weightGradientMagnitudes(geometry, x, w, dy);
        DepthwiseReference wanted = new DepthwiseReference(reference.y(), plus(dxBefore, reference.dx()),
                plus(dwBefore, reference.dw()));
        String prefix = geometry.name() + "-" + work.label() + (accumulate ? "-accumulate" : "-fresh");
        record(program, work, geometry, new Inputs(x, w, dy, dxBefore, dwBefore), prefix);
        return List.of(
                new Expected(prefix + " y", () -> EmulationValues.assertClose(prefix + " y", stored, wanted.y(),
                        new double[wanted.y().length], emulated.get(prefix + " y"))),
                new Expected(prefix + " dx", () -> EmulationValues.assertClose(prefix + " dx", stored, wanted.dx(),
                        new double[wanted.dx().length], emulated.get(prefix + " dx"))),
                new Expected(prefix + " dw", () -> DepthwiseReference.assertWeightGradient(prefix + " dw",
                        wanted.dw(), magnitudes, emulated.get(prefix + " dw"))));
    }

    /**
     * Records the three passes on {@code work}'s context (in bf16 through the weight's bf16 copy), gives the host
     * program their starting values and prints y, dx and dw under {@code prefix}.
     */
    private static void record(HostProgram program, Work work, DepthwiseCase geometry, Inputs inputs, String prefix) {
        RecordingCudaContext context = new RecordingCudaContext(work.precision(), work.layout());
        Launcher launcher = new Launcher(context);
        FakeDevice device = context.device();
        DType stored = work.activations();
        Tensor x = device.allocate(geometry.input(), stored);
        Tensor w = device.allocate(geometry.weight(), DType.F32);
        Tensor y = device.allocate(geometry.output(), stored);
        Tensor dy = device.allocate(geometry.output(), stored);
        Tensor dx = device.allocate(geometry.input(), stored);
        Tensor dw = device.allocate(geometry.weight(), DType.F32);
        DepthwiseConvolution convolution = new DepthwiseConvolution(launcher, context, geometry.geometry());
        Bf16WeightCopy copy = stored == DType.BF16 ? new Bf16WeightCopy(context, launcher, geometry.weight()) : null;
        Tensor operand = copy == null ? w : copy.castFrom(w);
        convolution.forward(x, operand, y);
        convolution.backwardData(operand, dy, dx, inputs.dxBefore() != null);
        convolution.backwardFilter(x, dy, dw, inputs.dwBefore() != null);
        if (copy != null) {
            copy.close();
        }
        context.launches().forEach(KernelLaunchTest::checkLaunch);
        assertEquals(6, device.liveCount(), prefix + ": every temporary is released");

        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        // Whatever the passes write whole starts NaN: the partials, the copy, y, and dx and dw when fresh.
        device.allocated().forEach(tensor -> initial.put(tensor, nan(tensor.size())));
        initial.put(x, inputs.x());
        initial.put(w, inputs.w());
        initial.put(dy, inputs.dy());
        if (inputs.dxBefore() != null) {
            initial.put(dx, inputs.dxBefore());
        }
        if (inputs.dwBefore() != null) {
            initial.put(dw, inputs.dwBefore());
        }
        Map<String, Tensor> printed = new LinkedHashMap<>();
        printed.put(prefix + " y", y);
        printed.put(prefix + " dx", dx);
        printed.put(prefix + " dw", dw);
        program.scenario(device, initial, context.launches(), printed);
    }

    /** before + added, element by element; added itself when before is null (a fresh gradient). */
    private static double[] plus(double[] before, double[] added) {
        if (before == null) {
            return added;
        }
        double[] sum = new double[added.length];
        for (int i = 0; i < sum.length; i++) {
            sum[i] = before[i] + added[i];
        }
        return sum;
    }

    private static double[] nan(long count) {
        double[] values = new double[Math.toIntExact(count)];
        Arrays.fill(values, Double.NaN);
        return values;
    }
}
