package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Dropout;
import dev.striate.core.op.DropoutMask;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channels-last (bf16-nhwc) kernels whose meaning is an ORDER, computed on the host with hand-worked answers:
 * flatten gives NCHW order (PyTorch's) from a channels-last input, dropout's mask follows the NCHW index (core's
 * {@link DropoutMask}) wherever the element lies, and a conv weight's bf16 copy lies K, R, S, C (cuDNN's NHWC filter
 * format) and goes back into the float NCHW gradient in place, and a convolution's explicit padding and its gradient
 * keep every element's place. {@link HostProgram} gives and prints rank-4 bf16
 * tensors in NCHW order; every value here is exact in bf16, so results are compared exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelsLastEmulationTest {
    private static final long SEED = 7;
    private static final long STEP = 3;
    /** The node id NodeRun runs its op as. */
    private static final long NODE = 1;
    private static final Shape DROPOUT_SHAPE = Shape.of(2, 3, 2, 2);

    private final HostProgram program = new HostProgram();
    private final Map<String, List<String>> kernels = new LinkedHashMap<>();
    private Map<String, double[]> emulated;

    @BeforeAll
    void emulate(@TempDir Path folder) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation with");
        flatten("nhwc", ActivationLayout.NHWC);
        flatten("nchw", ActivationLayout.NCHW);
        dropout("nhwc", ActivationLayout.NHWC);
        dropout("nchw", ActivationLayout.NCHW);
        weightCasts();
        convolution();
        emulated = program.buildAndRun(folder);
    }

    /** x [2, 2, 1, 3] holds 1..6 and 11..16 in NCHW order; channels-last memory is 1 4 2 5 3 6 11 14 ... */
    private void flatten(String name, ActivationLayout layout) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, layout);
        NodeRun node = new NodeRun(context, new FlattenKernel(context), new Flatten(), Shape.of(2, 2, 1, 3),
                DType.BF16);
        node.run(RunContext.training(SEED, STEP));
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        initial.put(node.x, new double[] {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16});
        initial.put(node.dy, new double[] {0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6});
        initial.put(node.dx, new double[] {10, 10, 10, 10, 10, 10, 20, 20, 20, 20, 20, 20});
        program.scenario(context.device(), initial, context.launches(),
                Map.of("flatten_" + name + " y", node.y, "flatten_" + name + " dx", node.dx));
        kernels.put("flatten " + name, context.launches().stream().map(RecordingCudaContext.Launch::kernel).toList());
    }

    @Test
    void flattenGivesNchwOrderFromChannelsLastInput() {
        double[] nchw = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16};
        assertArrayEquals(nchw, emulated.get("flatten_nhwc y"), "y[n, c·S + s] = x[n, c, s]");
        assertArrayEquals(nchw, emulated.get("flatten_nchw y"));
        // dx[n, c, s] += dy[n, c·S + s], printed in NCHW order.
        double[] dx = {10.5, 11, 11.5, 12, 12.5, 13, 23.5, 24, 24.5, 25, 25.5, 26};
        assertArrayEquals(dx, emulated.get("flatten_nhwc dx"));
        assertArrayEquals(dx, emulated.get("flatten_nchw dx"));
        assertEquals(List.of("flatten_forward", "flatten_backward"), kernels.get("flatten nhwc"));
        assertEquals(List.of("copy_act", "accumulate_act"), kernels.get("flatten nchw"), "NCHW is a plain copy");
    }

    /** Dropout p = 0.5 in training on x = 1 + i/64 (i the NCHW index), dy = 2 - i/64 onto dx = 0.25. */
    private void dropout(String name, ActivationLayout layout) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, layout);
        NodeRun node = new NodeRun(context, new DropoutKernel(context), new Dropout(0.5), DROPOUT_SHAPE,
                DType.BF16);
        node.run(RunContext.training(SEED, STEP));
        int size = Math.toIntExact(DROPOUT_SHAPE.size());
        double[] x = new double[size];
        double[] dy = new double[size];
        double[] dx = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = 1 + i / 64.0;
            dy[i] = 2 - i / 64.0;
            dx[i] = 0.25;
        }
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        initial.put(node.x, x);
        initial.put(node.dy, dy);
        initial.put(node.dx, dx);
        program.scenario(context.device(), initial, context.launches(),
                Map.of("dropout_" + name + " y", node.y, "dropout_" + name + " dx", node.dx));
    }

    @Test
    void dropoutMaskFollowsTheNchwIndexWhereverTheElementLies() {
        int size = Math.toIntExact(DROPOUT_SHAPE.size());
        int channels = DROPOUT_SHAPE.dim(1);
        int cells = DROPOUT_SHAPE.dim(2) * DROPOUT_SHAPE.dim(3);
        double[] y = new double[size];
        double[] dx = new double[size];
        boolean differsByMemoryPosition = false;
        for (int i = 0; i < size; i++) {
            boolean kept = DropoutMask.keep(0.5, SEED, NODE, STEP, i);
            y[i] = kept ? 2 * (1 + i / 64.0) : 0;
            dx[i] = 0.25 + (kept ? 2 * (2 - i / 64.0) : 0);
            // Where element i lies channels-last: (n·S + s)·C + c.
            int memory = (i / (channels * cells) * cells + i % cells) * channels + i / cells % channels;
            differsByMemoryPosition |= kept != DropoutMask.keep(0.5, SEED, NODE, STEP, memory);
        }
        assertTrue(differsByMemoryPosition, "a mask by memory position would differ somewhere in this test");
        assertArrayEquals(y, emulated.get("dropout_nhwc y"));
        assertArrayEquals(dx, emulated.get("dropout_nhwc dx"));
        assertArrayEquals(emulated.get("dropout_nchw y"), emulated.get("dropout_nhwc y"), "the same as NCHW");
        assertArrayEquals(emulated.get("dropout_nchw dx"), emulated.get("dropout_nhwc dx"));
    }

    /**
     * A float conv weight [K 2, C 2, R 1, S 2] holding 1..8 in NCHW order, cast into its bf16 copy as Conv2dKernel
     * does (C 2, cells 2); the copy read back flat (C = S = 1: memory order as it is), read back as a weight, and
     * added into a float gradient of 0.5 (as the bf16 dW temporary is).
     */
    private void weightCasts() {
        FakeDevice device = new FakeDevice();
        Shape shape = Shape.of(2, 2, 1, 2);
        Tensor weight = device.allocate(shape, DType.F32);
        Tensor copy = device.allocate(shape, DType.BF16);
        Tensor memory = device.allocate(Shape.of(8), DType.F32);
        Tensor back = device.allocate(shape, DType.F32);
        Tensor gradient = device.allocate(shape, DType.F32);
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        initial.put(weight, new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        initial.put(gradient, new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5});
        List<RecordingCudaContext.Launch> launches = List.of(
                channelsLast("cast_f32_to_storage", weight, copy, 8L, 2, 2),
                channelsLast("cast_storage_to_f32", copy, memory, 8L, 1, 1),
                channelsLast("cast_storage_to_f32", copy, back, 8L, 2, 2),
                channelsLast("accumulate_storage_into_f32", copy, gradient, 8L, 2, 2));
        launches.forEach(KernelLaunchTest::checkLaunch);
        program.scenario(device, initial, launches, Map.of("weight memory", memory, "weight back", back,
                "weight gradient", gradient));
    }

    @Test
    void aConvWeightsBf16CopyLiesInCudnnsNhwcFilterOrder() {
        // Weight (k, c, s) = 1 + 4k + 2c + s; K, R, S, C order: (0,0,0) (0,1,0) (0,0,1) (0,1,1) (1,0,0) ...
        assertArrayEquals(new double[] {1, 3, 2, 4, 5, 7, 6, 8}, emulated.get("weight memory"));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, emulated.get("weight back"));
        assertArrayEquals(new double[] {1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5}, emulated.get("weight gradient"));
    }

    /**
     * A bf16 channels-last convolution's own launches through Conv2dKernel: x [1, 2, 1, 2] (channel 0: 1 2, channel 1:
     * 3 4), window 1x2 padded bottom 1 and left 1 (so explicitly: x padded to [1, 2, 2, 3]), no bias, weight 1..8
     * [2, 2, 1, 2]. What cuDNN would write stands as made-up contents: the padded input gradient 1..12, the bf16 dW
     * temporary 0.5, 1, .. 4 (NCHW order). dx starts 10 10 20 20, dW 10; the copies start NaN.
     */
    private void convolution() {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC);
        Conv2d op = new Conv2d(2, new Window2d(1, 2, 1, 1, 0, 1, 1, 0, 1, 1), 1, false, Conv2d.TORCHVISION_INIT);
        NodeRun node = new NodeRun(context, new Conv2dKernel(context), op, Shape.of(1, 2, 1, 2), DType.BF16);
        node.run(RunContext.training(SEED, STEP));
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        for (Tensor tensor : context.device().allocated()) {
            double[] nan = new double[Math.toIntExact(tensor.size())];
            Arrays.fill(nan, Double.NaN);
            initial.put(tensor, nan);
        }
        initial.put(node.x, new double[] {1, 2, 3, 4});
        initial.put(node.dx, new double[] {10, 10, 20, 20});
        initial.put(node.params.get(0), new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        initial.put(node.paramGrads.get(0), new double[] {10, 10, 10, 10, 10, 10, 10, 10});
        Map<String, Tensor> printed = new LinkedHashMap<>();
        for (RecordingCudaContext.Launch launch : context.launches()) {
            Tensor first = (Tensor) launch.arguments().get(0);
            Tensor second = (Tensor) launch.arguments().get(1);
            switch (launch.kernel()) {
                case "cast_f32_to_storage" -> printed.put("conv_weight_copy #" + printed.size(), second);
                case "pad_input" -> printed.put("conv_padded #" + printed.size(), second);
                case "unpad_accumulate" -> initial.put(first, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
                case "accumulate_storage_into_f32" -> initial.put(first, new double[] {0.5, 1, 1.5, 2, 2.5, 3, 3.5,
                    4});
                default -> throw new AssertionError("unexpected launch " + launch.kernel());
            }
        }
        printed.put("conv dx", node.dx);
        printed.put("conv dW", node.paramGrads.get(0));
        program.scenario(context.device(), initial, context.launches(), printed);
        kernels.put("convolution", List.copyOf(printed.keySet()));
    }

    @Test
    void aChannelsLastConvolutionsCastsPaddingAndGradientsKeepTheirPlaces() {
        List<String> labels = kernels.get("convolution");
        assertEquals(5, labels.size(), "one weight cast (backward data reads forward's copy), x padded twice "
                + "(forward, dW), dx, dW: " + labels);
        for (String label : labels) {
            if (label.startsWith("conv_weight_copy")) {
                assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, emulated.get(label), label);
            } else if (label.startsWith("conv_padded")) {
                // Each channel placed at row 0, columns 1..2 of a 2 x 3 plane of zeros.
                assertArrayEquals(new double[] {0, 1, 2, 0, 0, 0, 0, 3, 4, 0, 0, 0}, emulated.get(label), label);
            }
        }
        // dx += the padded gradient's interior: channel 0 reads 2 3 (row 0, columns 1..2 of 1..6), channel 1 8 9.
        assertArrayEquals(new double[] {12, 13, 28, 29}, emulated.get("conv dx"));
        assertArrayEquals(new double[] {10.5, 11, 11.5, 12, 12.5, 13, 13.5, 14}, emulated.get("conv dW"));
    }

    private static RecordingCudaContext.Launch channelsLast(String kernel, Object... arguments) {
        return new RecordingCudaContext.Launch("elementwise", DType.BF16, kernel, 1, Launcher.THREADS,
                List.of(arguments), ActivationLayout.NHWC);
    }
}
