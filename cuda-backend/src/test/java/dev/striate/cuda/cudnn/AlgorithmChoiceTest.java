package dev.striate.cuda.cudnn;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlgorithmChoiceTest {
    private static final int SUCCESS = 0;
    private static final int NOT_SUPPORTED = 9;

    @Test
    void fp32TakesTheFastestAlgorithmWithoutTensorCores() {
        List<AlgorithmPerformance> results = List.of(
                new AlgorithmPerformance(6, SUCCESS, 0.1f, 0, MathType.TENSOR_OP),
                new AlgorithmPerformance(2, NOT_SUPPORTED, 0.2f, 0, MathType.FMA),
                new AlgorithmPerformance(1, SUCCESS, 0.3f, 2048, MathType.FMA),
                new AlgorithmPerformance(0, SUCCESS, 0.4f, 0, MathType.FMA));
        assertEquals(new AlgorithmChoice(1, MathType.FMA, 2048),
                AlgorithmChoice.choose(ConvolutionDirection.FORWARD, results, MathType.FMA, "x"));
    }

    @Test
    void fp32RunsADefaultMathAlgorithmAsFma() {
        List<AlgorithmPerformance> results = List.of(new AlgorithmPerformance(3, SUCCESS, 0.1f, 0, MathType.DEFAULT));
        assertEquals(new AlgorithmChoice(3, MathType.FMA, 0),
                AlgorithmChoice.choose(ConvolutionDirection.FORWARD, results, MathType.FMA, "x"));
    }

    @Test
    void tf32TakesTheFastestWithTheMathTypeItWasMeasuredWith() {
        List<AlgorithmPerformance> results = List.of(
                new AlgorithmPerformance(6, SUCCESS, 0.1f, AlgorithmChoice.WORKSPACE_LIMIT + 1, MathType.TENSOR_OP),
                new AlgorithmPerformance(7, SUCCESS, 0.2f, 512, MathType.TENSOR_OP),
                new AlgorithmPerformance(1, SUCCESS, 0.3f, 0, MathType.FMA));
        assertEquals(new AlgorithmChoice(7, MathType.TENSOR_OP, 512),
                AlgorithmChoice.choose(ConvolutionDirection.FORWARD, results, MathType.TENSOR_OP, "x"));
    }

    @Test
    void fp32SkipsEachDirectionsFftAndWinogradAlgorithms() {
        // Forward FFT_TILING is 5, backward data FFT_TILING is 3, backward filter FFT_TILING is 6 (cudnn_cnn.h).
        assertEquals(1, AlgorithmChoice.choose(ConvolutionDirection.FORWARD, List.of(
                new AlgorithmPerformance(5, SUCCESS, 0.1f, 0, MathType.FMA),
                new AlgorithmPerformance(7, SUCCESS, 0.2f, 0, MathType.FMA),
                new AlgorithmPerformance(1, SUCCESS, 0.3f, 0, MathType.FMA)), MathType.FMA, "x").algorithm());
        assertEquals(1, AlgorithmChoice.choose(ConvolutionDirection.BACKWARD_DATA, List.of(
                new AlgorithmPerformance(3, SUCCESS, 0.1f, 0, MathType.FMA),
                new AlgorithmPerformance(4, SUCCESS, 0.2f, 0, MathType.FMA),
                new AlgorithmPerformance(1, SUCCESS, 0.3f, 0, MathType.FMA)), MathType.FMA, "x").algorithm());
        assertEquals(3, AlgorithmChoice.choose(ConvolutionDirection.BACKWARD_FILTER, List.of(
                new AlgorithmPerformance(6, SUCCESS, 0.1f, 0, MathType.FMA),
                new AlgorithmPerformance(2, SUCCESS, 0.2f, 0, MathType.FMA),
                new AlgorithmPerformance(3, SUCCESS, 0.3f, 0, MathType.FMA)), MathType.FMA, "x").algorithm());
    }

    @Test
    void tf32KeepsFftAndWinogradAlgorithms() {
        assertEquals(new AlgorithmChoice(6, MathType.TENSOR_OP, 64), AlgorithmChoice.choose(
                ConvolutionDirection.FORWARD, List.of(new AlgorithmPerformance(6, SUCCESS, 0.1f, 64,
                        MathType.TENSOR_OP)), MathType.TENSOR_OP, "x"));
    }

    @Test
    void aChoiceObeysTheRulesOnlyIfChooseCouldHaveMadeIt() {
        assertTrue(new AlgorithmChoice(1, MathType.FMA, 0).obeysRules(ConvolutionDirection.FORWARD, MathType.FMA));
        assertFalse(new AlgorithmChoice(6, MathType.FMA, 0).obeysRules(ConvolutionDirection.FORWARD, MathType.FMA));
        // 3 is DIRECT forward but FFT_TILING backward data.
        assertTrue(new AlgorithmChoice(3, MathType.FMA, 0).obeysRules(ConvolutionDirection.FORWARD, MathType.FMA));
        assertFalse(new AlgorithmChoice(3, MathType.FMA, 0)
                .obeysRules(ConvolutionDirection.BACKWARD_DATA, MathType.FMA));
        assertFalse(new AlgorithmChoice(1, MathType.TENSOR_OP, 0)
                .obeysRules(ConvolutionDirection.FORWARD, MathType.FMA));
        assertFalse(new AlgorithmChoice(1, MathType.FMA, AlgorithmChoice.WORKSPACE_LIMIT + 1)
                .obeysRules(ConvolutionDirection.FORWARD, MathType.FMA));
        assertFalse(new AlgorithmChoice(-1, MathType.TENSOR_OP, 0)
                .obeysRules(ConvolutionDirection.FORWARD, MathType.TENSOR_OP));
        assertTrue(new AlgorithmChoice(6, MathType.TENSOR_OP, 0)
                .obeysRules(ConvolutionDirection.FORWARD, MathType.TENSOR_OP));
    }

    @Test
    void noUsableAlgorithmIsAnErrorNamingTheConvolution() {
        List<AlgorithmPerformance> results = List.of(new AlgorithmPerformance(6, SUCCESS, 0.1f, 0, MathType.TENSOR_OP));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> AlgorithmChoice.choose(ConvolutionDirection.FORWARD, results, MathType.FMA,
                        "forward convolution 3x3"));
        assertTrue(e.getMessage().contains("forward convolution 3x3"), e.getMessage());
    }

    @Test
    void perfResultsAreReadAtCudnnsOffsets() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment results = arena.allocate(2 * AlgorithmPerformance.BYTES, 8);
            long second = AlgorithmPerformance.BYTES;
            results.set(JAVA_INT, second, 5);
            results.set(JAVA_INT, second + 4, 3);
            results.set(JAVA_FLOAT, second + 8, 1.5f);
            results.set(JAVA_LONG, second + 16, 1L << 33);
            results.set(JAVA_INT, second + 24, 1);
            results.set(JAVA_INT, second + 28, MathType.TENSOR_OP);
            assertEquals(new AlgorithmPerformance(5, 3, 1.5f, 1L << 33, MathType.TENSOR_OP),
                    AlgorithmPerformance.read(results, 2).get(1));
        }
    }
}
