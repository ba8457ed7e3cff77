package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.graph.GraphBuilder;
import dev.striate.core.op.BatchNorm;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.Elu;
import dev.striate.core.op.LogSoftmax;
import dev.striate.core.op.Relu6;
import dev.striate.core.op.Window2d;
import dev.striate.core.tensor.Shape;
import dev.striate.cuda.DepthwiseKernels;
import dev.striate.cuda.cudnn.MathType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The values the CUDA kernels give cuDNN, against cuDNN 9's documented semantics and the reference's: batch norm's
 * mode, average factor and epsilon, grouped and depthwise filter shapes, log softmax's algorithm and mode, activation
 * modes and coefficients, and the math type each precision sets. Hand-worked from the ops' attributes.
 */
class CudnnArgumentsTest {
    private static List<FakeCudnn.Call> calls(RecordingCudaContext context, String symbol) {
        return context.cudnnCalls().stream().filter(c -> c.symbol().equals(symbol)).toList();
    }

    private static List<Object> tensorDims(FakeCudnn.Call setTensor4d) {
        return setTensor4d.arguments().subList(3, 7);
    }

    @Test
    void batchNormMovesRunningStatisticsByMomentumWithTheOpsEpsilon() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", Shape.of(4, 3));
        b.add("bn", new BatchNorm(1e-3, 0.25, true), "x");
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        new KernelRun(context, b.build()).run(RunContext.training(1, 1));

        // (handle, mode, alpha, beta, xDesc, x, yDesc, y, bnDesc, scale, bias, factor, runMean, runVar, eps, ...)
        FakeCudnn.Call training = calls(context, "cudnnBatchNormalizationForwardTraining").getFirst();
        assertEquals(1, training.arguments().get(1), "CUDNN_BATCHNORM_SPATIAL: per channel over N, H, W");
        assertEquals(0.25, (double) training.arguments().get(11), 0, "running = 0.75 running + 0.25 batch");
        assertEquals(1e-3, (double) training.arguments().get(14), 0);
        // (..., dBnScaleBiasDesc, bnScale, dScale, dBias, eps, savedMean, savedInvVariance): eps at 16 as forward.
        FakeCudnn.Call backward = calls(context, "cudnnBatchNormalizationBackward").getFirst();
        assertEquals(1e-3, (double) backward.arguments().get(16), 0);
        // [N, C] is N x C x 1 x 1 (data) and 1 x C x 1 x 1 (per channel).
        List<List<Object>> shapes = calls(context, "cudnnSetTensor4dDescriptor").stream()
                .map(CudnnArgumentsTest::tensorDims).toList();
        assertEquals(List.of(List.of(4, 3, 1, 1), List.of(1, 3, 1, 1)), shapes);
    }

    @Test
    void groupedAndDepthwiseFiltersHoldInputChannelsPerGroup() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", Shape.of(2, 6, 5, 5));
        b.add("grouped", new Conv2d(4, Window2d.square(3, 1, 1), 2, false, Conv2d.TORCHVISION_INIT), "x");
        b.add("depthwise", new Conv2d(4, Window2d.square(3, 2, 1).withDilation(2), 4, true,
                Conv2d.TORCHVISION_INIT), "grouped");
        // On cuDNN, as bf16 work runs depthwise convolutions (float work runs them on depthwise.cu by default).
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32)
                .withDepthwiseKernels(DepthwiseKernels.CUDNN);
        new KernelRun(context, b.build()).run(RunContext.training(1, 1));

        // cudnnSetFilter4dDescriptor(desc, dataType, format, k, c, h, w): c is in/groups.
        List<List<Object>> filters = calls(context, "cudnnSetFilter4dDescriptor").stream()
                .map(c -> c.arguments().subList(3, 7)).toList();
        assertEquals(List.of(List.of(4, 3, 3, 3), List.of(4, 1, 3, 3)), filters);
        // Three convolution descriptors (one per direction) per node, each with its node's group count.
        List<Object> groups = calls(context, "cudnnSetConvolutionGroupCount").stream()
                .map(c -> c.arguments().get(1)).toList();
        assertEquals(List.of(2, 2, 2, 4, 4, 4), groups);
        // Depthwise: 5x5 input, 3x3 kernel dilated 2 (extent 5), pad 1, stride 2: output (5 + 2 - 5) / 2 + 1 = 2.
        assertTrue(calls(context, "cudnnSetTensor4dDescriptor").stream()
                .anyMatch(c -> tensorDims(c).equals(List.of(2, 4, 2, 2))));
        assertTrue(calls(context, "cudnnSetConvolution2dDescriptor").stream()
                .anyMatch(c -> c.arguments().subList(1, 7).equals(List.of(1, 1, 2, 2, 2, 2))));
    }

    @Test
    void logSoftmaxIsCudnnsLogAlgorithmOverChannels() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", Shape.of(5, 7));
        b.add("log_softmax", new LogSoftmax(), "x");
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        new KernelRun(context, b.build()).run(RunContext.training(1, 1));

        for (String symbol : List.of("cudnnSoftmaxForward", "cudnnSoftmaxBackward")) {
            FakeCudnn.Call call = calls(context, symbol).getFirst();
            assertEquals(List.of(2, 1), call.arguments().subList(1, 3), symbol + ": CUDNN_SOFTMAX_LOG, MODE_CHANNEL");
        }
        assertEquals(List.of(5, 7, 1, 1), tensorDims(calls(context, "cudnnSetTensor4dDescriptor").getFirst()));
    }

    @Test
    void activationsPropagateNanWithTheirModesCoefficient() {
        GraphBuilder b = new GraphBuilder();
        b.input("x", Shape.of(2, 3));
        b.add("relu6", new Relu6(), "x");
        b.add("elu", new Elu(0.5), "relu6");
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        new KernelRun(context, b.build()).run(RunContext.training(1, 1));

        // cudnnSetActivationDescriptor(desc, mode, reluNanOpt, coef): CLIPPED_RELU 3 at 6, ELU 4 with alpha.
        List<List<Object>> set = calls(context, "cudnnSetActivationDescriptor").stream()
                .map(c -> c.arguments().subList(1, 4)).toList();
        assertEquals(List.of(List.of(3, 1, 6.0), List.of(4, 1, 0.5)), set);
    }

    @Test
    void fp32SetsFmaMathOnEveryConvolutionAndTf32AllowsTensorCores() {
        for (Precision precision : List.of(Precision.FP32, Precision.TF32)) {
            GraphBuilder b = new GraphBuilder();
            b.input("x", Shape.of(2, 3, 6, 6));
            b.add("conv", Conv2d.of(4, 3, 1, 1), "x");
            RecordingCudaContext context = new RecordingCudaContext(precision);
            new KernelRun(context, b.build()).run(RunContext.training(1, 1));

            List<Object> mathTypes = calls(context, "cudnnSetConvolutionMathType").stream()
                    .map(c -> c.arguments().get(1)).toList();
            // Set before the search, then to the chosen algorithm's (the fake reports FMA): three directions.
            int wanted = precision == Precision.FP32 ? MathType.FMA : MathType.TENSOR_OP;
            assertEquals(List.of(wanted, MathType.FMA, wanted, MathType.FMA, wanted, MathType.FMA), mathTypes,
                    precision.toString());
            assertFalse(mathTypes.contains(MathType.DEFAULT), "DEFAULT may run fp32 on TF32 tensor cores");
        }
    }
}
