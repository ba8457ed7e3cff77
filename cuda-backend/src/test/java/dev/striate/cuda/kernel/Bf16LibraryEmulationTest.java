package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.exec.Executor;
import dev.striate.core.exec.ParameterStore;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.io.HalfPrecision;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Initializer;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cpu.CpuBackend;
import dev.striate.cuda.ActivationLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bf16 variants of {@code batchnorm.cu}, {@code conv.cu} and {@code linear.cu}, as the bf16 kernels launch them,
 * computed on the host by g++ (one build for all cases) and compared with float64 answers: batch norm (training,
 * frozen, evaluation; with and without affine) with the reference backend's, on the same bf16-rounded inputs and
 * float parameters; a convolution's and a fully connected layer's own launches (weight casts, padding, bias, the bf16
 * weight gradient added into the float one) with plain loops over the same values, the cuDNN and cuBLAS results they
 * consume standing as the temporaries' made-up contents. A bf16 result (y, dx, a cast or padded copy) is compared
 * within 3e-2·|reference| + 3e-3·max|reference|: bf16 keeps 8 significant bits (relative step 2^-8), so every stored
 * value is off by up to 0.4% of itself, and a value that cancels (batch norm's dx) by that share of the tensor's
 * scale. A float result (parameter gradients, running statistics) is computed in float from the same bf16 inputs the
 * reference has, so it is held to float's 1e-4·|reference| + 1e-5·max|reference|.
 *
 * <p>Batch norm and the convolution's bias run channels-last (NHWC) too, to the same bounds: the host program holds
 * rank-4 bf16 tensors in NHWC order and gives and prints them in NCHW order, so the expected values do not change.
 * Those cases cover channel counts below and above a block's 256 threads and not multiples of 32 (the row lanes and
 * the passes over channels), several chunks of rows per channel, and chunks read in several tiles (the last two by
 * {@link ChannelsLastSumCases}, which launches the first stages directly).
 */
class Bf16LibraryEmulationTest {
    private static final long SEED = 11;

    /** One case's expected (float64) results, by the label its emulated tensor prints under, and the tensors. */
    record Case(String name, Map<String, double[]> expected, Map<String, Tensor> printed) {
    }

    @TestFactory
    Stream<DynamicTest> bf16KernelsMatchTheReference(@TempDir Path work) throws Exception {
        assumeTrue(HostProgram.gppAvailable(), "skipped: no g++ on the PATH to build the host emulation with");
        HostProgram program = new HostProgram();
        List<Case> cases = new ArrayList<>();
        Shape image = Shape.of(3, 4, 2, 3);
        cases.add(batchNorm(program, "batch norm training", new BatchNorm(1e-3, 0.25, true), image, true));
        cases.add(batchNorm(program, "batch norm training [N, C]", new BatchNorm(1e-5, 0.1, true), Shape.of(6, 5),
                true));
        cases.add(batchNorm(program, "batch norm training without affine", new BatchNorm(1e-5, 0.1, false), image,
                true));
        cases.add(batchNorm(program, "batch norm frozen", new BatchNorm(1e-3, 0.25, true).freeze(), image, true));
        cases.add(batchNorm(program, "batch norm evaluation", new BatchNorm(1e-3, 0.25, true), image, false));
        // 2 · 50 · 91 = 9,100 values per channel: the per-channel sums run in 3 chunks of up to 4096 (the last 908),
        // each many times what one block's 256 threads cover, and chunks start and end inside an image plane.
        Shape chunked = Shape.of(2, 2, 50, 91);
        cases.add(batchNorm(program, "batch norm training in chunks", new BatchNorm(1e-5, 0.1, true), chunked,
                true, 4));
        cases.add(batchNorm(program, "batch norm frozen in chunks", new BatchNorm(1e-3, 0.25, true).freeze(), chunked,
                true, 4));
        Shape small = Shape.of(2, 2, 3, 3);
        cases.add(convolution(program, "convolution with bias", Conv2d.of(3, 3, 1, 1), small));
        cases.add(convolution(program, "convolution with asymmetric padding",
                new Conv2d(2, new Window2d(3, 3, 1, 1, 0, 1, 1, 0, 1, 1), 1, false, Conv2d.TORCHVISION_INIT), small));
        cases.add(convolution(program, "convolution bias in chunks", Conv2d.of(2, 3, 1, 1), chunked));
        cases.add(linear(program));
        ActivationLayout nhwc = ActivationLayout.NHWC;
        cases.add(batchNorm(program, "channels-last batch norm training", new BatchNorm(1e-3, 0.25, true), image,
                true, 0, nhwc));
        cases.add(batchNorm(program, "channels-last batch norm training [N, C]", new BatchNorm(1e-5, 0.1, true),
                Shape.of(6, 5), true, 0, nhwc));
        cases.add(batchNorm(program, "channels-last batch norm frozen", new BatchNorm(1e-3, 0.25, true).freeze(), image,
                true, 0, nhwc));
        // 2 · 25 · 50 = 2,500 rows of 2 channels (128 row lanes): chunks of ⌈4096 / 2⌉ = 2048 rows, the first across
        // both images, the second of 452.
        Shape rows = Shape.of(2, 2, 25, 50);
        cases.add(batchNorm(program, "channels-last batch norm training in chunks", new BatchNorm(1e-5, 0.1, true),
                rows, true, 4, nhwc));
        // 40 channels (6 row lanes, 16 threads idle), 120 rows: chunks of ⌈4096 / 40⌉ = 103 rows, the second 17.
        cases.add(batchNorm(program, "channels-last batch norm 40 channels in chunks", new BatchNorm(1e-5, 0.1, true),
                Shape.of(6, 40, 4, 5), true, 4, nhwc));
        cases.add(ChannelsLastSumCases.partialsOfWideChannels(program));
        cases.add(ChannelsLastSumCases.statisticsInTiles(program));
        cases.add(convolution(program, "channels-last convolution with bias", Conv2d.of(3, 3, 1, 1), small, nhwc));
        cases.add(convolution(program, "channels-last convolution bias in chunks", Conv2d.of(2, 3, 1, 1), rows, nhwc));
        Map<String, double[]> emulated = program.buildAndRun(work);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () ->
                c.expected().forEach((label, reference) -> assertClose(label, c.printed().get(label).dtype(),
                        reference, emulated.get(label)))));
    }

    /** Batch norm on batchnorm.cu against the reference backend: y, dx, dγ, dβ and the running statistics. */
    private static Case batchNorm(HostProgram program, String name, BatchNorm op, Shape shape, boolean training) {
        return batchNorm(program, name, op, shape, training, 0, ActivationLayout.NCHW);
    }

    private static Case batchNorm(HostProgram program, String name, BatchNorm op, Shape shape, boolean training,
                                  double drift) {
        return batchNorm(program, name, op, shape, training, drift, ActivationLayout.NCHW);
    }

    /**
     * As above, x rising by {@code drift} from the first element to the last, so that the chunks of a channel have
     * different means: the variance then depends on combining them right (each chunk's squared deviations from its own
     * mean plus its size times its mean's squared offset from the channel's), which a periodic x alone hardly tests;
     * rank-4 bf16 activations laid out as {@code layout}.
     */
    private static Case batchNorm(HostProgram program, String name, BatchNorm op, Shape shape, boolean training,
                                  double drift, ActivationLayout layout) {
        RunContext run = training ? RunContext.training(SEED, 1) : RunContext.evaluation();
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, layout);
        NodeRun node = new NodeRun(context, new BatchNormKernel(context), op, shape, DType.BF16);
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        float[] wave = EmulationValues.wave(shape.size(), 0.61, 0.3, 2.5);
        for (int i = 0; i < wave.length; i++) {
            wave[i] += (float) (drift * i / wave.length);
        }
        double[] x = bf16(wave, 0.7);
        double[] dy = bf16(EmulationValues.wave(shape.size(), 0.23, 1.1, 1.5), 0);
        initial.put(node.x, x);
        initial.put(node.dy, dy);
        initial.put(node.y, nans(shape.size()));

        GraphBuilder b = new GraphBuilder();
        b.input("x", shape);
        b.add("bn", op, "x");
        Graph graph = b.build();
        String prefix = label(name);
        Map<String, double[]> expected = new LinkedHashMap<>();
        Map<String, Tensor> printed = new LinkedHashMap<>();
        CpuBackend cpu = new CpuBackend();
        try (ParameterStore store = ParameterStore.initialize(graph, cpu, SEED);
             Executor executor = cpu.compile(graph, store)) {
            List<String> names = store.names();
            for (int i = 0; i < names.size(); i++) {
                String parameter = names.get(i);
                Tensor device = node.params.get(i);
                double[] values = parameterValues(parameter, device.size(), i);
                store.write(parameter, values);
                initial.put(device, values);
            }
            executor.feed("x", x);
            executor.requireInputGradient("x");
            executor.forward(run);
            executor.backward("bn", dy);
            expected.put(prefix + "y", executor.read("bn"));
            printed.put(prefix + "y", node.y);
            expected.put(prefix + "dx", executor.inputGradient("x"));
            printed.put(prefix + "dx", node.dx);
            for (int i = 0; i < names.size(); i++) {
                String parameter = names.get(i);
                if (node.paramGrads.get(i) != null) {
                    expected.put(prefix + "d" + parameter, cpu.read(store.gradient(parameter)));
                    printed.put(prefix + "d" + parameter, node.paramGrads.get(i));
                } else {
                    expected.put(prefix + parameter, store.read(parameter));
                    printed.put(prefix + parameter, node.params.get(i));
                }
            }
        }
        node.run(run);
        // num_batches_tracked's increment_i64 (its one tensor is I64) and the finalizing stages of the channel sums
        // (float partials into float statistics and gradients) run in batchnorm.cu's F32 variant; the rest touch bf16
        // activations.
        Set<String> floatOnly = Set.of("increment_i64", "batch_norm_statistics_finalize",
                "batch_norm_gradient_finalize");
        context.launches().forEach(launch -> assertEquals(floatOnly.contains(launch.kernel()) ? DType.F32
                : DType.BF16, launch.storage(), launch.kernel()));
        program.scenario(context.device(), initial, context.launches(), printed);
        return new Case(name, expected, printed);
    }

    /**
     * A bf16 convolution's own launches: the weight cast once (by forward; backward data reads its copy), x padded
     * (when asymmetric), the bias added onto y as cuDNN left it, dW's bf16 temporary added into dW, the padded input
     * gradient's interior added into dx, and the bias gradient (its chunk sums an intermediate). Made-up contents stand
     * for what cuDNN wrote.
     */
    private static Case convolution(HostProgram program, String name, Conv2d op, Shape shape) {
        return convolution(program, name, op, shape, ActivationLayout.NCHW);
    }

    /**
     * As above, rank-4 bf16 activations laid out as {@code layout}. Channels-last, only the bias's launches are checked
     * here: {@link ChannelsLastEmulationTest} checks the casts, padding and dW accumulation channels-last.
     */
    private static Case convolution(HostProgram program, String name, Conv2d op, Shape shape,
                                    ActivationLayout layout) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, layout);
        NodeRun node = new NodeRun(context, new Conv2dKernel(context), op, shape, DType.BF16);
        node.run(RunContext.training(SEED, 1));
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        for (Tensor tensor : context.device().allocated()) {
            float[] wave = EmulationValues.wave(tensor.size(), 0.37 + initial.size() * 0.11, initial.size(), 1.7);
            initial.put(tensor, tensor.dtype() == DType.BF16 ? bf16(wave, 0) : EmulationValues.toDoubles(wave));
        }
        String prefix = label(name);
        Map<String, double[]> expected = new LinkedHashMap<>();
        Map<String, Tensor> printed = new LinkedHashMap<>();
        Set<String> biasOnly = Set.of("add_channel_bias", "channel_sum_partials", "channel_bias_gradient");
        for (RecordingCudaContext.Launch launch : context.launches()) {
            List<Object> a = launch.arguments();
            String label = prefix + launch.kernel() + "#" + printed.size();
            if (layout == ActivationLayout.NHWC && !biasOnly.contains(launch.kernel())) {
                continue;
            }
            switch (launch.kernel()) {
                case "cast_f32_to_storage" -> expect(expected, printed, label, (Tensor) a.get(1),
                        initial.get((Tensor) a.get(0)).clone());
                case "pad_input" -> expect(expected, printed, label, (Tensor) a.get(1),
                        padded(initial.get((Tensor) a.get(0)), shape, ((Tensor) a.get(1)).shape(), op.window()));
                case "unpad_accumulate" -> expect(expected, printed, label, node.dx,
                        plus(initial.get(node.dx), interior(initial.get((Tensor) a.get(0)), shape,
                                ((Tensor) a.get(0)).shape(), op.window())));
                case "accumulate_storage_into_f32" -> expect(expected, printed, label, node.paramGrads.get(0),
                        plus(initial.get(node.paramGrads.get(0)), initial.get((Tensor) a.get(0))));
                case "add_channel_bias" -> expect(expected, printed, label, node.y,
                        withBias(initial.get(node.y), initial.get(node.params.get(1)), node.y.shape()));
                case "channel_sum_partials" -> assertEquals(DType.F32, ((Tensor) a.get(1)).dtype());
                case "channel_bias_gradient" -> expect(expected, printed, label, node.paramGrads.get(1),
                        plus(initial.get(node.paramGrads.get(1)), channelSums(initial.get(node.dy), node.dy.shape())));
                default -> throw new AssertionError("unexpected launch " + launch.kernel());
            }
        }
        int checked = layout == ActivationLayout.NHWC ? 2 : op.bias() ? 4 : 5;
        assertEquals(checked, printed.size(), name + ": " + printed.keySet());
        program.scenario(context.device(), initial, context.launches(), printed);
        return new Case(name, expected, printed);
    }

    /** A bf16 fully connected layer's own launches: the bias broadcast into y, its column sums added into db. */
    private static Case linear(HostProgram program) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16);
        NodeRun node = new NodeRun(context, new LinearKernel(context, new RecordingCublas()),
                new Linear(5, true, Initializer.KaimingUniform.PYTORCH_DEFAULT, null), Shape.of(4, 3), DType.BF16);
        node.run(RunContext.training(SEED, 1));
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        double[] bias = EmulationValues.toDoubles(EmulationValues.wave(5, 0.9, 0.2, 3));
        double[] dy = bf16(EmulationValues.wave(20, 0.47, 0.8, 2), 0);
        double[] biasGrad = EmulationValues.toDoubles(EmulationValues.wave(5, 0.3, 2, 1));
        initial.put(node.params.get(1), bias);
        initial.put(node.dy, dy);
        initial.put(node.paramGrads.get(1), biasGrad);
        initial.put(node.y, nans(20));
        double[] broadcast = new double[20];
        double[] sums = biasGrad.clone();
        for (int n = 0; n < 4; n++) {
            for (int f = 0; f < 5; f++) {
                broadcast[n * 5 + f] = bias[f];
                sums[f] += dy[n * 5 + f];
            }
        }
        Map<String, double[]> expected = Map.of("linear_bias y", broadcast, "linear_bias db", sums);
        Map<String, Tensor> printed = Map.of("linear_bias y", node.y, "linear_bias db", node.paramGrads.get(1));
        program.scenario(context.device(), initial, context.launches(), printed);
        return new Case("linear bias", expected, printed);
    }

    /** The first word of a printed line's label (the host program's labels are two words): the case's name. */
    static String label(String caseName) {
        return caseName.replaceAll("[^A-Za-z0-9]+", "_") + " ";
    }

    static void expect(Map<String, double[]> expected, Map<String, Tensor> printed, String label,
                               Tensor tensor, double[] values) {
        expected.put(label, values);
        printed.put(label, tensor);
    }

    /** Made-up parameter values: γ and β away from 1 and 0, running variance positive. */
    private static double[] parameterValues(String name, long size, int index) {
        double[] values = EmulationValues.toDoubles(EmulationValues.wave(size, 0.8, index, 0.5));
        for (int i = 0; i < values.length; i++) {
            values[i] += name.endsWith("weight") || name.endsWith("running_var") ? 1.2 : 0.1;
        }
        return name.endsWith("num_batches_tracked") ? new double[] {3} : values;
    }

    /** The values rounded to bf16, as a bf16 tensor holds them, after adding {@code offset}. */
    static double[] bf16(float[] values, double offset) {
        double[] rounded = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = HalfPrecision.fromBf16Bits(HalfPrecision.toBf16Bits(values[i] + offset));
        }
        return rounded;
    }

    private static double[] nans(long size) {
        double[] values = new double[Math.toIntExact(size)];
        Arrays.fill(values, Double.NaN);
        return values;
    }

    static double[] plus(double[] a, double[] b) {
        double[] sum = a.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += b[i];
        }
        return sum;
    }

    private static double[] padded(double[] x, Shape in, Shape out, Window2d window) {
        double[] result = new double[Math.toIntExact(out.size())];
        for (int plane = 0; plane < in.batch() * in.channels(); plane++) {
            for (int h = 0; h < in.height(); h++) {
                for (int w = 0; w < in.width(); w++) {
                    result[(plane * out.height() + h + window.padTop()) * out.width() + w + window.padLeft()] =
                            x[(plane * in.height() + h) * in.width() + w];
                }
            }
        }
        return result;
    }

    private static double[] interior(double[] padded, Shape in, Shape paddedShape, Window2d window) {
        double[] result = new double[Math.toIntExact(in.size())];
        for (int plane = 0; plane < in.batch() * in.channels(); plane++) {
            for (int h = 0; h < in.height(); h++) {
                for (int w = 0; w < in.width(); w++) {
                    result[(plane * in.height() + h) * in.width() + w] = padded[(plane * paddedShape.height() + h
                            + window.padTop()) * paddedShape.width() + w + window.padLeft()];
                }
            }
        }
        return result;
    }

    private static double[] withBias(double[] y, double[] bias, Shape shape) {
        double[] result = y.clone();
        int positions = shape.height() * shape.width();
        for (int i = 0; i < result.length; i++) {
            result[i] += bias[(i / positions) % shape.channels()];
        }
        return result;
    }

    private static double[] channelSums(double[] dy, Shape shape) {
        double[] sums = new double[shape.channels()];
        int positions = shape.height() * shape.width();
        for (int i = 0; i < dy.length; i++) {
            sums[(i / positions) % shape.channels()] += dy[i];
        }
        return sums;
    }

    /** Every element within the tolerance of its type (see the class comment). */
    private static void assertClose(String label, DType type, double[] reference, double[] actual) {
        if (actual == null) {
            throw new AssertionError("no emulated result for " + label);
        }
        assertEquals(reference.length, actual.length, label);
        double scale = Arrays.stream(reference).map(Math::abs).max().orElse(0);
        for (int i = 0; i < reference.length; i++) {
            double tolerance = type == DType.BF16 ? 3e-2 * Math.abs(reference[i]) + 3e-3 * scale
                    : 1e-4 * Math.abs(reference[i]) + 1e-5 * scale;
            if (!(Math.abs(actual[i] - reference[i]) <= tolerance)) {
                throw new AssertionError(label + " element " + i + ": emulated CUDA " + actual[i] + ", reference "
                        + reference[i] + " (tolerance " + tolerance + ")");
            }
        }
    }
}
