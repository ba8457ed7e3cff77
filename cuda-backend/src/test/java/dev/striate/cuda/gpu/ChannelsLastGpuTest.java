package dev.striate.cuda.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import dev.striate.core.check.ParityChecker;
import dev.striate.core.check.ParityMetric;
import dev.striate.core.check.ParityReport;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Flatten;
import dev.striate.core.op.GlobalAvgPool;
import dev.striate.core.op.Linear;
import dev.striate.core.op.Op;
import dev.striate.core.op.Relu;
import dev.striate.core.op.SoftmaxCrossEntropy;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.ActivationLayout;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.LayoutBackends;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On a real GPU: bf16 work with channels-last activations against bf16 NCHW work, on the same inputs and parameters,
 * every node's output, every gradient and every buffer compared (read back in NCHW order). Both runs make the same
 * roundings in the same order but for cuDNN's accumulation order, which differs with the algorithm it picks for
 * each layout; a bf16 value then differs by at most a rounding step or two (2^-7 of itself each), measured against the
 * reference tensor's RMS where the value is near zero by cancellation. A layout bug (a kernel or a descriptor
 * reading NCHW memory as NHWC) is off by O(1). The tolerances come from that reasoning; the first GPU run is their
 * measurement.
 */
@GpuTest
class ChannelsLastGpuTest {
    /** A convolution alone: x and y (bias added after one rounding) within two bf16 steps, 2^-6. */
    private static final ParityMetric CONVOLUTION = new ParityMetric(ParityMetric.ABSOLUTE_FLOOR, 1, 2e-2);
    /** A small model, where a step of one layer feeds the next and batch norm rescales it. */
    private static final ParityMetric MODEL = new ParityMetric(ParityMetric.ABSOLUTE_FLOOR, 1, 3e-2);
    private static final long SEED = 13;

    private static CudaBackend nchw;
    private static CudaBackend nhwc;

    @BeforeAll
    static void open() {
        nchw = LayoutBackends.open(Precision.BF16, ActivationLayout.NCHW);
        nhwc = LayoutBackends.open(Precision.BF16, ActivationLayout.NHWC);
        assertEquals(ActivationLayout.NHWC, nhwc.context().layout());
    }

    @AfterAll
    static void close() {
        if (nhwc != null) {
            nhwc.close();
        }
        if (nchw != null) {
            nchw.close();
        }
    }

    /** The gradient-check grid's convolutions: stride, padding (asymmetric too), dilation, groups, depthwise, 1x1. */
    static Stream<GradCheckCase> convolutions() {
        String conv2d = Op.typeNameOf(Conv2d.class);
        return GradCheckSuite.cases().stream().filter(c -> c.op().equals(conv2d));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convolutions")
    void convolutionMatchesNchw(GradCheckCase c) {
        assertPassed(new ParityChecker(nchw, nhwc, CONVOLUTION, SEED).check(c));
    }

    /**
     * conv (bias) → batch norm → ReLU → strided depthwise conv → 1x1 conv with asymmetric padding (an explicitly
     * padded copy) → ReLU → global average pool → linear → cross-entropy, one training step forward and backward.
     */
    @Test
    void smallModelForwardAndBackwardMatchNchw() {
        GraphBuilder b = new GraphBuilder();
        b.input("image", Shape.of(4, 3, 16, 16));
        b.input("label", Shape.of(4), DType.I32);
        b.add("conv1", Conv2d.of(8, 3, 1, 1), "image");
        b.add("bn1", BatchNorm.standard(), "conv1");
        b.add("relu1", new Relu(), "bn1");
        b.add("depthwise", new Conv2d(8, Window2d.square(3, 2, 1), 8, false, Conv2d.TORCHVISION_INIT), "relu1");
        b.add("pointwise", new Conv2d(16, new Window2d(1, 1, 1, 1, 0, 1, 1, 0, 1, 1), 1, true,
                Conv2d.TORCHVISION_INIT), "depthwise");
        b.add("relu2", new Relu(), "pointwise");
        b.add("pool", new GlobalAvgPool(), "relu2");
        b.add("flatten", new Flatten(), "pool");
        b.add("fc", Linear.of(10), "flatten");
        b.add("loss", new SoftmaxCrossEntropy(0), "fc", "label");
        Graph graph = b.build();
        assertPassed(new ParityChecker(nchw, nhwc, MODEL, SEED).check("model", "small channels-last model", graph,
                "loss", Map.of("label", new int[] {3, 0, 9, 5}), true, 1, false));
    }

    private static void assertPassed(ParityReport report) {
        assertTrue(report.passed(), report.caseName() + ": " + report.failures());
    }
}
