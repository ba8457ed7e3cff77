package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.BackwardCall;
import dev.striate.core.backend.ForwardCall;
import dev.striate.core.backend.NodeSignature;
import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.op.Conv2d;
import dev.striate.core.op.ParamSpec;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A convolution prepared for an executor without backward (evaluation, prediction) asks cuDNN to time its forward
 * algorithms only, where one that may run backward times all three directions; its backward is refused in one line.
 */
class ForwardOnlyConvolutionTest {
    private static final Shape INPUT = Shape.of(2, 3, 8, 8);

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP32", "BF16"})
    void forwardOnlyFindsTheForwardAlgorithmAlone(Precision precision) {
        assertEquals(List.of("cudnnFindConvolutionForwardAlgorithm"), finds(precision, false));
        assertEquals(List.of("cudnnFindConvolutionForwardAlgorithm", "cudnnFindConvolutionBackwardDataAlgorithm",
                "cudnnFindConvolutionBackwardFilterAlgorithm"), finds(precision, true));
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP32", "BF16"})
    void forwardRunsAndBackwardIsRefused(Precision precision) {
        RecordingCudaContext context = new RecordingCudaContext(precision);
        DType activations = precision == Precision.BF16 ? DType.BF16 : DType.F32;
        Conv2d op = Conv2d.of(4, 3, 1, 1);
        Conv2dKernel kernel = new Conv2dKernel(context);
        Shape output = op.outputShape(List.of(INPUT));
        List<Tensor> params = new ArrayList<>();
        List<Shape> paramShapes = new ArrayList<>();
        for (ParamSpec spec : op.parameters(List.of(INPUT))) {
            params.add(context.device().allocate(spec.shape(), spec.dtype()));
            paramShapes.add(spec.shape());
        }
        Object prepared = kernel.prepare(op, new NodeSignature("conv", List.of(INPUT), List.of(activations),
                paramShapes, output, activations, false));
        Tensor x = context.device().allocate(INPUT, activations);
        Tensor y = context.device().allocate(output, activations);
        kernel.forward(op, new ForwardCall(List.of(x), params, y, RunContext.evaluation(), 1, prepared));
        assertTrue(context.cudnnCalls().stream().anyMatch(c -> c.symbol().equals("cudnnConvolutionForward")));

        Tensor dy = context.device().allocate(output, activations);
        Tensor dx = context.device().allocate(INPUT, activations);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> kernel.backward(op,
                new BackwardCall(List.of(x), params, y, dy, List.of(dx), List.of(), RunContext.evaluation(), 1,
                        null, prepared)));
        assertTrue(refused.getMessage().startsWith("this convolution was prepared for forward only"),
                refused.getMessage());
    }

    /** The cuDNN Find calls made when preparing one convolution, in order. */
    private static List<String> finds(Precision precision, boolean backward) {
        RecordingCudaContext context = new RecordingCudaContext(precision);
        DType activations = precision == Precision.BF16 ? DType.BF16 : DType.F32;
        Conv2d op = Conv2d.of(4, 3, 1, 1);
        List<Shape> paramShapes = op.parameters(List.of(INPUT)).stream().map(ParamSpec::shape).toList();
        new Conv2dKernel(context).prepare(op, new NodeSignature("conv", List.of(INPUT), List.of(activations),
                paramShapes, op.outputShape(List.of(INPUT)), activations, backward));
        return context.cudnnCalls().stream().map(FakeCudnn.Call::symbol).filter(s -> s.startsWith("cudnnFind"))
                .toList();
    }
}
