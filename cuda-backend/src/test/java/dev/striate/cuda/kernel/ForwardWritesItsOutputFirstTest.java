package dev.striate.cuda.kernel;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.Precision;
import dev.striate.core.backend.RunContext;
import dev.striate.core.check.GradCheckCase;
import dev.striate.core.check.GradCheckSuite;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A node's output comes from {@code allocateUninitialized} and may hold anything, so no forward may read it before
 * writing it. For the cuDNN calls of every gradient-check case's forward: the first call that is given the node's
 * output must overwrite it (beta 0, result = alpha·op + beta·result); later ones may add into it (the convolution's
 * bias). The project's own kernels are checked on the host with NaN outputs ({@code HostEmulationTest}); linear's
 * cuBLAS GEMM (left out here, as cuBLAS needs its native library) runs after the bias is broadcast into y, or with
 * beta 0 without bias.
 */
class ForwardWritesItsOutputFirstTest {
    /** The position of beta in each cuDNN call a forward makes, from cuDNN's documented signatures. */
    private static final Map<String, Integer> BETA = Map.of(
            "cudnnConvolutionForward", 10,
            "cudnnAddTensor", 4,
            "cudnnActivationForward", 5,
            "cudnnSoftmaxForward", 6,
            "cudnnBatchNormalizationForwardTraining", 3,
            "cudnnBatchNormalizationForwardInference", 3);

    static Stream<GradCheckCase> cases() {
        return GradCheckSuite.cases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void noCudnnForwardAddsIntoAnOutputItHasNotWritten(GradCheckCase c) {
        checkForward(c);
    }

    @Test
    void theConvolutionsBiasIsAddedAfterItsOutputIsWritten() {
        GradCheckCase conv = GradCheckSuite.cases().stream()
                .filter(c -> c.op().equals("conv2d") && c.graph().nodes().getFirst().parameters().size() == 2)
                .findFirst().orElseThrow();
        assertEquals(2, checkForward(conv), "cudnnConvolutionForward (beta 0), then cudnnAddTensor (beta 1)");
    }

    /** Checks each node's forward; returns how many cuDNN calls were given an output. */
    private static int checkForward(GradCheckCase c) {
        RecordingCudaContext context = new RecordingCudaContext(Precision.FP32);
        KernelRun run = new KernelRun(context, c.graph());
        List<FakeCudnn.Call> calls = context.cudnnCalls();
        int[] seen = {0};
        int[] touching = {0};
        run.forward(c.training() ? RunContext.training(7, 3) : RunContext.evaluation(), node -> {
            touching[0] += checkOverwrittenFirst(node.name(), context.device().address(run.value(node.name())),
                    calls.subList(seen[0], calls.size()));
            seen[0] = calls.size();
        });
        return touching[0];
    }

    @Test
    void aForwardThatAddsIntoItsOutputFirstFails() {
        MemorySegment one = MemorySegment.ofArray(new float[] {1f});
        MemorySegment zero = MemorySegment.ofArray(new float[] {0f});
        long y = FakeDevice.TENSOR_BASE;
        FakeCudnn.Call addBias = new FakeCudnn.Call("cudnnAddTensor", List.of(MemorySegment.NULL, one,
                MemorySegment.ofAddress(1), MemorySegment.ofAddress(FakeDevice.TENSOR_BASE * 2), one,
                MemorySegment.ofAddress(2), MemorySegment.ofAddress(y)));
        AssertionError e = assertThrows(AssertionError.class, () -> checkOverwrittenFirst("conv", y, List.of(addBias)));
        assertTrue(e.getMessage().contains("cudnnAddTensor"), e.getMessage());
        FakeCudnn.Call overwrite = new FakeCudnn.Call("cudnnAddTensor", List.of(MemorySegment.NULL, one,
                MemorySegment.ofAddress(1), MemorySegment.ofAddress(FakeDevice.TENSOR_BASE * 2), zero,
                MemorySegment.ofAddress(2), MemorySegment.ofAddress(y)));
        checkOverwrittenFirst("conv", y, List.of(overwrite, addBias));
    }

    /** Returns how many of the calls were given the output. */
    private static int checkOverwrittenFirst(String node, long output, List<FakeCudnn.Call> forwardCalls) {
        List<FakeCudnn.Call> touching = new ArrayList<>();
        for (FakeCudnn.Call call : forwardCalls) {
            if (call.arguments().stream().anyMatch(a -> a instanceof MemorySegment s && s.byteSize() == 0
                    && s.address() == output)) {
                touching.add(call);
            }
        }
        if (touching.isEmpty()) {
            return 0;
        }
        FakeCudnn.Call first = touching.getFirst();
        Integer betaPosition = BETA.get(first.symbol());
        assertFalse(betaPosition == null, first.symbol() + " is given " + node
                + "'s output in forward: add its beta position to BETA");
        MemorySegment beta = (MemorySegment) first.arguments().get(betaPosition);
        assertEquals(0f, beta.get(JAVA_FLOAT, 0), 0f, node + "'s forward: " + first.symbol()
                + " adds into the output (beta " + beta.get(JAVA_FLOAT, 0) + ") before anything wrote it");
        return touching.size();
    }
}
