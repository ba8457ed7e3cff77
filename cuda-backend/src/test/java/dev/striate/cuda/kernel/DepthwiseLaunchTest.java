package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.cudnn.ConvolutionGeometry;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DepthwiseConvolution}'s launches without a GPU: which kernels, their grids (worked out by hand below), the
 * arguments in the order of {@code depthwise.cu}'s signatures (checked against them, act_t as the variant's type),
 * the accumulate flags, and every temporary given back; and which convolutions it takes.
 */
class DepthwiseLaunchTest {
    /** N 2, C 3, K 3, 48×48, 3×3, stride 1, padding 1: y and dx 13824 elements (54 blocks), 4608 positions each. */
    private static final ConvolutionGeometry THREE_BY_THREE = new ConvolutionGeometry(2, 3, 48, 48, 3, 3, 3, 1, 1, 1,
            1, 1, 1, 3, 48, 48);
    /** N 1, C 2, K 4, 9×8, 5×5, stride 2, padding 2: y [1, 4, 5, 4] (80, 1 block), dx 144 (1 block), 20 positions. */
    private static final ConvolutionGeometry FIVE_BY_FIVE = new ConvolutionGeometry(1, 2, 9, 8, 4, 5, 5, 2, 2, 2, 2,
            1, 1, 2, 5, 4);

    /**
     * The grids and partials of each work: 3×3 in NCHW 2 chunks of 4096 positions per channel (3·2 stage-one blocks),
     * channels-last ⌈4096 / 3⌉ = 1366 rows per chunk, 4 chunks (4 blocks); 5×5 one chunk (4 blocks NCHW, 1 NHWC).
     */
    static Stream<Arguments> works() {
        return Stream.of(
                Arguments.of(Precision.FP32, ActivationLayout.NCHW, THREE_BY_THREE, "_3x3", 54, 54, 6, 4096, 2),
                Arguments.of(Precision.BF16, ActivationLayout.NCHW, THREE_BY_THREE, "_3x3", 54, 54, 6, 4096, 2),
                Arguments.of(Precision.BF16, ActivationLayout.NHWC, THREE_BY_THREE, "_3x3", 54, 54, 4, 1366, 4),
                Arguments.of(Precision.FP32, ActivationLayout.NCHW, FIVE_BY_FIVE, "", 1, 1, 4, 4096, 1),
                Arguments.of(Precision.BF16, ActivationLayout.NHWC, FIVE_BY_FIVE, "", 1, 1, 1, 1024, 1));
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("works")
    void launchesMatchTheSignaturesAndTheHandWorkedGrids(Precision precision, ActivationLayout layout,
                                                         ConvolutionGeometry g, String suffix, int forwardBlocks,
                                                         int dataBlocks, int partialBlocks, int chunkLength,
                                                         int chunks) {
        for (boolean accumulate : new boolean[] {false, true}) {
            RecordingCudaContext context = new RecordingCudaContext(precision, layout);
            FakeDevice device = context.device();
            DType stored = precision == Precision.BF16 ? DType.BF16 : DType.F32;
            Shape in = Shape.of(g.batch(), g.inChannels(), g.height(), g.width());
            Shape out = Shape.of(g.batch(), g.outChannels(), g.outHeight(), g.outWidth());
            Shape weight = Shape.of(g.outChannels(), 1, g.kernelH(), g.kernelW());
            Tensor x = device.allocate(in, stored);
            Tensor w = device.allocate(weight, stored);
            Tensor y = device.allocate(out, stored);
            Tensor dy = device.allocate(out, stored);
            Tensor dx = device.allocate(in, stored);
            Tensor dw = device.allocate(weight, DType.F32);
            DepthwiseConvolution convolution = new DepthwiseConvolution(new Launcher(context), context, g);
            convolution.forward(x, w, y);
            convolution.backwardData(w, dy, dx, accumulate);
            convolution.backwardFilter(x, dy, dw, accumulate);

            assertEquals(6, device.liveCount(), "every temporary is released");
            List<RecordingCudaContext.Launch> launches = context.launches();
            launches.forEach(KernelLaunchTest::checkLaunch);
            assertEquals(List.of("depthwise_forward" + suffix, "depthwise_backward_data" + suffix,
                    "depthwise_filter_partials" + suffix, "depthwise_filter_gradient"),
                    launches.stream().map(RecordingCudaContext.Launch::kernel).toList());
            List<Object> geometry = List.of(g.batch(), g.inChannels(), g.height(), g.width(), g.outChannels(),
                    g.outHeight(), g.outWidth(), g.kernelH(), g.kernelW(), g.padH(), g.padW(), g.strideH(),
                    g.strideW(), g.dilationH(), g.dilationW());
            int flag = accumulate ? 1 : 0;

            RecordingCudaContext.Launch forward = launches.get(0);
            assertEquals(forwardBlocks, forward.blocks());
            assertEquals(List.of(x, w, y), forward.arguments().subList(0, 3));
            assertEquals(geometry, forward.arguments().subList(3, 18));

            RecordingCudaContext.Launch data = launches.get(1);
            assertEquals(dataBlocks, data.blocks());
            assertEquals(List.of(w, dy, dx), data.arguments().subList(0, 3));
            assertEquals(geometry, data.arguments().subList(3, 18));
            assertEquals(flag, data.arguments().get(18), "accumulate");

            RecordingCudaContext.Launch partials = launches.get(2);
            assertEquals(partialBlocks, partials.blocks());
            assertEquals(List.of(x, dy), partials.arguments().subList(0, 2));
            Tensor partialSums = (Tensor) partials.arguments().get(2);
            assertEquals((long) chunks * g.outChannels() * g.kernelH() * g.kernelW(), partialSums.size(),
                    "a float partial per output channel, tap and chunk");
            assertEquals(geometry, partials.arguments().subList(3, 18));
            assertEquals(chunkLength, partials.arguments().get(18), "chunk length");

            RecordingCudaContext.Launch gradient = launches.get(3);
            assertEquals(g.outChannels(), gradient.blocks(), "one block per output channel");
            assertSame(partialSums, gradient.arguments().get(0));
            assertEquals(List.of(dw, g.outChannels(), g.kernelH(), g.kernelW(), chunks, flag),
                    gradient.arguments().subList(1, 7));
        }
    }

    @Test
    void takesDepthwiseConvolutionsOnly() {
        assertTrue(DepthwiseConvolution.handles(THREE_BY_THREE), "multiplier 1");
        assertTrue(DepthwiseConvolution.handles(FIVE_BY_FIVE), "multiplier 2");
        ConvolutionGeometry dilated = new ConvolutionGeometry(1, 4, 9, 9, 4, 3, 3, 2, 2, 1, 1, 2, 2, 4, 9, 9);
        assertTrue(DepthwiseConvolution.handles(dilated), "dilation");
        ConvolutionGeometry dense = new ConvolutionGeometry(1, 4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 8, 8);
        assertFalse(DepthwiseConvolution.handles(dense), "groups 1");
        ConvolutionGeometry grouped = new ConvolutionGeometry(1, 4, 8, 8, 4, 3, 3, 1, 1, 1, 1, 1, 1, 2, 8, 8);
        assertFalse(DepthwiseConvolution.handles(grouped), "two input channels per group");
        ConvolutionGeometry uneven = new ConvolutionGeometry(1, 4, 8, 8, 6, 3, 3, 1, 1, 1, 1, 1, 1, 4, 8, 8);
        assertFalse(DepthwiseConvolution.handles(uneven), "output channels not a multiple of the input's");
        // 1·1024·1500·1500 = 2.3e9 elements: beyond the kernels' 32-bit indices.
        ConvolutionGeometry huge = new ConvolutionGeometry(1, 1024, 1500, 1500, 1024, 3, 3, 1, 1, 1, 1, 1, 1, 1024,
                1500, 1500);
        assertFalse(DepthwiseConvolution.handles(huge), "more than 2^31 - 1 elements");
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        assertThrows(IllegalArgumentException.class,
                () -> new DepthwiseConvolution(new Launcher(context), context, dense));
    }
}
