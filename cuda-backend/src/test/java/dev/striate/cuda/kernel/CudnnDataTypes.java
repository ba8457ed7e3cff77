package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.cudnn.Cudnn;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * Checks recorded cuDNN calls against the tensors they were given: each data pointer's descriptor (tensor or filter)
 * has the tensor's data type, as many elements and the format of the layout the tensor lies in (NHWC for a rank-4 bf16
 * tensor of channels-last work, the weight's bf16 copy and its gradient's included; NCHW for any other); activations
 * (x, y, dx, dy) and the convolution's filter operand are described in the work's activation type, parameters and
 * statistics as float; every convolution computes in float; and a call that writes a gradient adds into it (beta 1).
 * Argument positions are cuDNN 9's C signatures.
 */
final class CudnnDataTypes {
    /** What a data pointer holds: an activation or the filter operand (activation type), or a float parameter. */
    private enum Role { ACTIVATION, PARAMETER }

    /** A descriptor argument, the data pointer it describes, and what that pointer holds. */
    private record Described(int descriptor, int data, Role role) {
    }

    /** A call's described pointers and, where it writes a result that may be a gradient, its beta's position. */
    private record Signature(List<Described> described, List<int[]> betaAndResult) {
    }

    private static Described act(int descriptor, int data) {
        return new Described(descriptor, data, Role.ACTIVATION);
    }

    private static Described param(int descriptor, int data) {
        return new Described(descriptor, data, Role.PARAMETER);
    }

    private static final Map<String, Signature> SIGNATURES = Map.ofEntries(
            Map.entry("cudnnConvolutionForward", new Signature(List.of(act(2, 3), act(4, 5), act(11, 12)), List.of())),
            Map.entry("cudnnConvolutionBackwardData",
                    new Signature(List.of(act(2, 3), act(4, 5), act(11, 12)), List.of(new int[] {10, 12}))),
            Map.entry("cudnnConvolutionBackwardFilter",
                    new Signature(List.of(act(2, 3), act(4, 5), act(11, 12)), List.of(new int[] {10, 12}))),
            Map.entry("cudnnConvolutionBackwardBias",
                    new Signature(List.of(act(2, 3), param(5, 6)), List.of(new int[] {4, 6}))),
            Map.entry("cudnnAddTensor", new Signature(List.of(param(2, 3), act(5, 6)), List.of())),
            Map.entry("cudnnActivationForward", new Signature(List.of(act(3, 4), act(6, 7)), List.of())),
            Map.entry("cudnnActivationBackward", new Signature(List.of(act(3, 4), act(5, 6), act(7, 8), act(10, 11)),
                    List.of(new int[] {9, 11}))),
            Map.entry("cudnnSoftmaxForward", new Signature(List.of(act(4, 5), act(7, 8)), List.of())),
            Map.entry("cudnnSoftmaxBackward", new Signature(List.of(act(4, 5), act(6, 7), act(9, 10)),
                    List.of(new int[] {8, 10}))),
            Map.entry("cudnnBatchNormalizationForwardTraining", new Signature(List.of(act(4, 5), act(6, 7),
                    param(8, 9), param(8, 10), param(8, 12), param(8, 13), param(8, 15), param(8, 16)), List.of())),
            Map.entry("cudnnBatchNormalizationForwardInference", new Signature(List.of(act(4, 5), act(6, 7),
                    param(8, 9), param(8, 10), param(8, 11), param(8, 12)), List.of())),
            Map.entry("cudnnBatchNormalizationBackward", new Signature(List.of(act(6, 7), act(8, 9), act(10, 11),
                    param(12, 13), param(12, 14), param(12, 15), param(12, 17), param(12, 18)),
                    List.of(new int[] {3, 11}, new int[] {5, 14}, new int[] {5, 15}))));

    /** A descriptor as last set: its data type and format (cuDNN's enums) and element count. */
    private record Description(int dataType, int format, long elements) {
    }

    private CudnnDataTypes() {
    }

    /**
     * Checks every cuDNN call {@code context} recorded, in work whose activations are {@code activations};
     * {@code isGradient} tells a gradient's address.
     */
    static void check(RecordingCudaContext context, DType activations, LongPredicate isGradient) {
        Map<Long, Description> descriptions = new HashMap<>();
        for (FakeCudnn.Call call : context.cudnnCalls()) {
            List<Object> a = call.arguments();
            switch (call.symbol()) {
                // cudnnSetTensor4dDescriptor(desc, format, dataType, n, c, h, w)
                case "cudnnSetTensor4dDescriptor" -> descriptions.put(address(a.get(0)),
                        new Description((int) a.get(2), (int) a.get(1), elements(a, 3)));
                // cudnnSetFilter4dDescriptor(desc, dataType, format, k, c, h, w)
                case "cudnnSetFilter4dDescriptor" -> descriptions.put(address(a.get(0)),
                        new Description((int) a.get(1), (int) a.get(2), elements(a, 3)));
                case "cudnnSetConvolution2dDescriptor" ->
                        assertEquals(Cudnn.DATA_FLOAT, a.get(8), "a convolution computes in float (fp32 accumulation)");
                default -> checkCall(call, descriptions, context, activations, isGradient);
            }
        }
    }

    private static void checkCall(FakeCudnn.Call call, Map<Long, Description> descriptions,
                                  RecordingCudaContext context, DType activations, LongPredicate isGradient) {
        Signature signature = SIGNATURES.get(call.symbol());
        if (signature == null) {
            return;
        }
        List<Object> a = call.arguments();
        for (Described d : signature.described()) {
            long data = address(a.get(d.data()));
            String where = call.symbol() + " argument " + d.data();
            if (data == 0) {
                continue;
            }
            Tensor tensor = context.device().tensorAt(data);
            assertNotNull(tensor, where + " is not a tensor's address");
            Description description = descriptions.get(address(a.get(d.descriptor())));
            assertNotNull(description, where + ": its descriptor was never set");
            assertEquals(Cudnn.dataType(tensor.dtype()), description.dataType(),
                    where + ": the descriptor's data type is not the " + tensor.dtype() + " tensor's");
            assertEquals(tensor.size(), description.elements(), where + ": the descriptor's element count");
            assertEquals(Cudnn.format(context.layoutOf(tensor)), description.format(), where + ": the descriptor's"
                    + " format is not the layout the " + tensor.dtype() + " " + tensor.shape() + " tensor lies in");
            DType expected = d.role() == Role.ACTIVATION ? activations : DType.F32;
            assertEquals(expected, tensor.dtype(), where + " (" + d.role() + ")");
        }
        for (int[] betaAndResult : signature.betaAndResult()) {
            if (isGradient.test(address(a.get(betaAndResult[1])))) {
                float beta = ((MemorySegment) a.get(betaAndResult[0])).get(ValueLayout.JAVA_FLOAT, 0);
                assertEquals(1f, beta, call.symbol() + " must add into the gradient");
            }
        }
    }

    private static long elements(List<Object> arguments, int first) {
        long product = 1;
        for (int i = first; i < first + 4; i++) {
            product *= (int) arguments.get(i);
        }
        return product;
    }

    private static long address(Object argument) {
        return ((MemorySegment) argument).address();
    }
}
