package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.graph.Graph;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.DepthwiseKernels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which kernels run a depthwise convolution: the project's ({@code depthwise.cu}) for float work and cuDNN for bf16
 * by default, either one everywhere when {@link DepthwiseKernels} says so; a grouped convolution that is not
 * depthwise always on cuDNN. On the project's kernels a float convolution's bias is added and differentiated by
 * {@code conv.cu}, as in bf16, since no cuDNN convolution is made for it.
 */
class DepthwiseDispatchTest {
    /** x [2, 4, 6, 6] → depthwise 3×3 stride 2 with bias (4 → 4) → grouped 3×3, 2 groups, no bias (4 → 6). */
    private static Graph depthwiseThenGrouped() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", Shape.of(2, 4, 6, 6));
        b.add("depthwise", new Conv2d(4, Window2d.square(3, 2, 1), 4, true, Conv2d.TORCHVISION_INIT), "x");
        b.add("grouped", new Conv2d(6, Window2d.square(3, 1, 1), 2, false, Conv2d.TORCHVISION_INIT), "depthwise");
        return b.build();
    }

    private static RecordingCudaContext trained(Precision precision, DepthwiseKernels kernels) {
        RecordingCudaContext context = new RecordingCudaContext(precision).withDepthwiseKernels(kernels);
        new KernelRun(context, depthwiseThenGrouped()).run(RunContext.training(1, 1));
        return context;
    }

    /** The filters cuDNN was told of, as (k, c, h, w): one per convolution cuDNN runs. */
    private static List<List<Object>> cudnnFilters(RecordingCudaContext context) {
        return context.cudnnCalls().stream().filter(c -> c.symbol().equals("cudnnSetFilter4dDescriptor"))
                .map(c -> c.arguments().subList(3, 7)).toList();
    }

    private static List<String> launched(RecordingCudaContext context, String source) {
        return context.launches().stream().filter(l -> l.source().equals(source)).map(RecordingCudaContext.Launch::kernel)
                .toList();
    }

    private static long cudnnCalls(RecordingCudaContext context, String symbol) {
        return context.cudnnCalls().stream().filter(c -> c.symbol().equals(symbol)).count();
    }

    private static final List<Object> GROUPED_FILTER = List.of(6, 2, 3, 3);
    private static final List<Object> DEPTHWISE_FILTER = List.of(4, 1, 3, 3);

    @Test
    void floatWorkRunsDepthwiseOnTheProjectsKernelsAndItsBiasOnConvCu() {
        for (Precision precision : List.of(Precision.FP32, Precision.TF32)) {
            RecordingCudaContext context = trained(precision, DepthwiseKernels.AUTO);
            assertEquals(List.of(GROUPED_FILTER), cudnnFilters(context), precision + ": cuDNN runs the grouped one only");
            assertTrue(launched(context, "depthwise").size() >= 3, precision + ": forward, backward data and filter: "
                    + launched(context, "depthwise"));
            List<String> conv = launched(context, "conv");
            assertTrue(conv.contains("add_channel_bias") && conv.contains("channel_sum_partials")
                    && conv.contains("channel_bias_gradient"), "the bias on conv.cu: " + conv);
            assertEquals(0, cudnnCalls(context, "cudnnAddTensor") + cudnnCalls(context, "cudnnConvolutionBackwardBias"));
        }
    }

    @Test
    void bf16WorkRunsDepthwiseOnCudnn() {
        RecordingCudaContext context = trained(Precision.BF16, DepthwiseKernels.AUTO);
        assertEquals(List.of(DEPTHWISE_FILTER, GROUPED_FILTER), cudnnFilters(context));
        assertEquals(List.of(), launched(context, "depthwise"));
    }

    @Test
    void theSettingRunsOneOfThemInEveryPrecision() {
        RecordingCudaContext cudnn = trained(Precision.FP32, DepthwiseKernels.CUDNN);
        assertEquals(List.of(DEPTHWISE_FILTER, GROUPED_FILTER), cudnnFilters(cudnn));
        assertEquals(List.of(), launched(cudnn, "depthwise"));
        assertEquals(1, cudnnCalls(cudnn, "cudnnAddTensor"), "float bias on cuDNN's convolution: cuDNN's addTensor");

        RecordingCudaContext own = trained(Precision.BF16, DepthwiseKernels.STRIATE);
        assertEquals(List.of(GROUPED_FILTER), cudnnFilters(own));
        assertTrue(launched(own, "depthwise").size() >= 3, launched(own, "depthwise").toString());
    }
}
