package dev.striate.cuda.kernel;

import static dev.striate.cuda.kernel.Bf16LibraryEmulationTest.bf16;
import static dev.striate.cuda.kernel.Bf16LibraryEmulationTest.expect;
import static dev.striate.cuda.kernel.Bf16LibraryEmulationTest.label;
import static dev.striate.cuda.kernel.Bf16LibraryEmulationTest.plus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.striate.core.backend.Precision;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Bf16LibraryEmulationTest}'s cases that launch the channels-last first stages of the per-channel sums directly
 * (not through a node), with arguments a node run would not reach cheaply in the emulation: more channels than a
 * block has threads, and chunks long enough to be read in tiles. Expected values are plain float64 loops.
 */
final class ChannelsLastSumCases {
    private ChannelsLastSumCases() {
    }

    /**
     * The channels-last first stages over 300 channels (more than a block's 256 threads, not a multiple of 32: two
     * passes over channels, the second of 44) of 30 rows, in ChannelChunks' chunks of ⌈4096 / 300⌉ = 14 rows (3 chunks,
     * the last of 2): batch norm's statistics partials (sum and squared deviations from the chunk's mean), its gradient
     * partials from saved and from running statistics (Σ dy, Σ dy·x̂), and the convolution bias's chunk sums, each
     * [quantity, C, K] as plain float64 loops over the chunks give them. Launched directly, without the per-channel
     * second stage (layout-free, 300 blocks in the emulation: the node cases run it).
     */
    static Bf16LibraryEmulationTest.Case partialsOfWideChannels(HostProgram program) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC);
        Launcher launcher = new Launcher(context);
        FakeDevice device = context.device();
        int batch = 2;
        int channels = 300;
        int positions = 15;
        Shape shape = Shape.of(batch, channels, 3, 5);
        ChannelChunks grid = ChannelChunks.of(ActivationLayout.NHWC, channels, batch * positions);
        assertEquals(new ChannelChunks(ActivationLayout.NHWC, channels, 30, 14, 3), grid);
        int chunks = grid.chunks();
        Tensor x = device.allocate(shape, DType.BF16);
        Tensor dy = device.allocate(shape, DType.BF16);
        Tensor mean = device.allocate(Shape.of(channels), DType.F32);
        Tensor second = device.allocate(Shape.of(channels), DType.F32);
        List<Tensor> partials = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            partials.add(device.allocate(Shape.of(i == 3 ? 1 : 2, grid.partials()), DType.F32));
        }
        float eps = 1e-3f;
        launcher.withBlocks("batchnorm", "batch_norm_statistics_partials", grid.blocks(), x, partials.get(0), batch,
                channels, positions, grid.chunkLength());
        launcher.withBlocks("batchnorm", "batch_norm_gradient_partials", grid.blocks(), x, dy, mean, second,
                partials.get(1), batch, channels, positions, grid.chunkLength());
        launcher.withBlocks("batchnorm", "batch_norm_running_gradient_partials", grid.blocks(), x, dy, mean, second,
                eps, partials.get(2), batch, channels, positions, grid.chunkLength());
        launcher.withBlocks("conv", "channel_sum_partials", grid.blocks(), dy, partials.get(3), batch, channels,
                positions, grid.chunkLength());

        float[] wave = EmulationValues.wave(shape.size(), 0.61, 0.3, 2.5);
        for (int i = 0; i < wave.length; i++) {
            wave[i] += (float) (4.0 * i / wave.length);
        }
        double[] xValues = bf16(wave, 0.7);
        double[] dyValues = bf16(EmulationValues.wave(shape.size(), 0.23, 1.1, 1.5), 0);
        double[] means = EmulationValues.toDoubles(EmulationValues.wave(channels, 0.8, 0, 0.5));
        double[] seconds = plus(EmulationValues.toDoubles(EmulationValues.wave(channels, 0.7, 1, 0.5)),
                filled(channels, 1.2));
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        initial.put(x, xValues);
        initial.put(dy, dyValues);
        initial.put(mean, means);
        initial.put(second, seconds);
        int quantity = channels * chunks;
        double[] statistics = new double[2 * quantity];
        double[] saved = new double[2 * quantity];
        double[] running = new double[2 * quantity];
        double[] biasSums = new double[quantity];
        for (int c = 0; c < channels; c++) {
            for (int k = 0; k < chunks; k++) {
                int at = c * chunks + k;
                int first = k * grid.chunkLength();
                int end = Math.min(first + grid.chunkLength(), batch * positions);
                double sum = 0;
                for (int m = first; m < end; m++) {
                    int index = ((m / positions) * channels + c) * positions + m % positions;
                    sum += xValues[index];
                    double g = dyValues[index];
                    saved[at] += g;
                    saved[quantity + at] += g * (xValues[index] - means[c]) * seconds[c];
                    running[quantity + at] += g * (xValues[index] - means[c]) / Math.sqrt(seconds[c] + eps);
                    biasSums[at] += g;
                }
                statistics[at] = sum;
                running[at] = saved[at];
                for (int m = first; m < end; m++) {
                    double deviation = xValues[((m / positions) * channels + c) * positions + m % positions]
                            - sum / (end - first);
                    statistics[quantity + at] += deviation * deviation;
                }
            }
        }
        String prefix = label("channels-last partials of 300 channels");
        Map<String, double[]> expected = new LinkedHashMap<>();
        Map<String, Tensor> printed = new LinkedHashMap<>();
        expect(expected, printed, prefix + "statistics", partials.get(0), statistics);
        expect(expected, printed, prefix + "gradient", partials.get(1), saved);
        expect(expected, printed, prefix + "running_gradient", partials.get(2), running);
        expect(expected, printed, prefix + "bias_gradient", partials.get(3), biasSums);
        context.launches().forEach(KernelLaunchTest::checkLaunch);
        program.scenario(device, initial, context.launches(), printed);
        return new Bf16LibraryEmulationTest.Case("channels-last partials of 300 channels", expected, printed);
    }

    /**
     * Channels-last statistics whose chunks are read in tiles: x [3, 8, 20, 20] (1200 rows of 8 channels, rising by
     * 4 from first to last so that tiles and chunks have different means), launched with chunks of 1000 rows (as
     * ChannelChunks makes them beyond 1024 chunks, too long to read twice from cache): the first chunk in tiles of
     * 4096 / 8 = 512 and 488 rows, the second one tile of 200. The batch mean and variance must combine both levels
     * right (Chan et al.); compared with plain float64 loops over the values.
     */
    static Bf16LibraryEmulationTest.Case statisticsInTiles(HostProgram program) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.BF16, ActivationLayout.NHWC);
        Launcher launcher = new Launcher(context);
        FakeDevice device = context.device();
        int batch = 3;
        int channels = 8;
        int positions = 400;
        int chunkLength = 1000;
        Shape shape = Shape.of(batch, channels, 20, 20);
        Tensor x = device.allocate(shape, DType.BF16);
        Tensor partials = device.allocate(Shape.of(2, channels * 2), DType.F32);
        List<Tensor> statistics = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            statistics.add(device.allocate(Shape.of(channels), DType.F32));
        }
        launcher.withBlocks("batchnorm", "batch_norm_statistics_partials", 2, x, partials, batch, channels, positions,
                chunkLength);
        launcher.withBlocks("batchnorm", "batch_norm_statistics_finalize", channels, partials, statistics.get(0),
                statistics.get(1), statistics.get(2), statistics.get(3), batch, channels, positions, chunkLength,
                0.25f, 1e-3f);

        float[] wave = EmulationValues.wave(shape.size(), 0.61, 0.3, 2.5);
        for (int i = 0; i < wave.length; i++) {
            wave[i] += (float) (4.0 * i / wave.length);
        }
        double[] values = bf16(wave, 0.7);
        double[] runningMean = EmulationValues.toDoubles(EmulationValues.wave(channels, 0.8, 0, 0.5));
        double[] runningVar = plus(EmulationValues.toDoubles(EmulationValues.wave(channels, 0.8, 1, 0.5)),
                filled(channels, 1.2));
        Map<Tensor, double[]> initial = new IdentityHashMap<>();
        initial.put(x, values);
        initial.put(statistics.get(0), runningMean);
        initial.put(statistics.get(1), runningVar);
        double count = batch * positions;
        double[] mean = new double[channels];
        double[] variance = new double[channels];
        for (int c = 0; c < channels; c++) {
            for (int n = 0; n < batch; n++) {
                for (int s = 0; s < positions; s++) {
                    mean[c] += values[(n * channels + c) * positions + s] / count;
                }
            }
            for (int n = 0; n < batch; n++) {
                for (int s = 0; s < positions; s++) {
                    double deviation = values[(n * channels + c) * positions + s] - mean[c];
                    variance[c] += deviation * deviation / count;
                }
            }
        }
        String prefix = label("channels-last statistics in tiles");
        Map<String, double[]> expected = new LinkedHashMap<>();
        Map<String, Tensor> printed = new LinkedHashMap<>();
        double[] movedMean = new double[channels];
        double[] movedVar = new double[channels];
        double[] inverseStd = new double[channels];
        for (int c = 0; c < channels; c++) {
            movedMean[c] = 0.75 * runningMean[c] + 0.25 * mean[c];
            movedVar[c] = 0.75 * runningVar[c] + 0.25 * variance[c] * count / (count - 1);
            inverseStd[c] = 1 / Math.sqrt(variance[c] + 1e-3);
        }
        expect(expected, printed, prefix + "running_mean", statistics.get(0), movedMean);
        expect(expected, printed, prefix + "running_var", statistics.get(1), movedVar);
        expect(expected, printed, prefix + "mean", statistics.get(2), mean);
        expect(expected, printed, prefix + "inverse_std", statistics.get(3), inverseStd);
        context.launches().forEach(KernelLaunchTest::checkLaunch);
        program.scenario(device, initial, context.launches(), printed);
        return new Bf16LibraryEmulationTest.Case("channels-last statistics in tiles", expected, printed);
    }

    private static double[] filled(int size, double value) {
        double[] values = new double[size];
        Arrays.fill(values, value);
        return values;
    }
}
