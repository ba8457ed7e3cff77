package dev.striate.cuda.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.striate.core.backend.ParameterUpdate;
import dev.striate.core.backend.TensorRole;
import dev.striate.core.optim.UpdateRule;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.memory.DeviceOutOfMemoryException;
import dev.striate.cuda.memory.MemoryStatistics;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CUDA backend's own operations on a real GPU, against hand-worked values. */
@GpuTest
class CudaBackendGpuTest {
    @RegisterExtension
    static final SharedGpuBackend GPU = new SharedGpuBackend();

    private static Tensor tensor(DType dtype, int... dims) {
        return GPU.backend().allocate(Shape.of(dims), dtype, TensorRole.ACTIVATION);
    }

    @Test
    void writesAndReadsEveryStoredType() {
        Tensor floats = tensor(DType.F32, 3);
        GPU.backend().write(floats, new float[] {1.5f, -2f, 3.25f});
        assertArrayEquals(new double[] {1.5, -2, 3.25}, GPU.backend().read(floats));
        Tensor ints = tensor(DType.I32, 2);
        GPU.backend().write(ints, new int[] {3, -7});
        assertArrayEquals(new double[] {3, -7}, GPU.backend().read(ints));
        Tensor longs = tensor(DType.I64, 2);
        GPU.backend().write(longs, new double[] {1L << 40, -5});
        assertArrayEquals(new double[] {1L << 40, -5}, GPU.backend().read(longs));
        Tensor doubles = tensor(DType.F64, 1);
        GPU.backend().write(doubles, new double[] {0.1});
        assertEquals(0.1, GPU.backend().read(doubles)[0], 0);
        Tensor zeros = tensor(DType.F32, 1000);
        for (double x : GPU.backend().read(zeros)) {
            assertEquals(0, x, 0);
        }
        List.of(floats, ints, longs, doubles, zeros).forEach(GPU.backend()::release);
    }

    @Test
    void fillsScalesAndSumsSquaresOverManyTensorsInOneRead() {
        Tensor a = tensor(DType.F32, 3);
        GPU.backend().write(a, new float[] {1, 2, 3});
        GPU.backend().scale(a, 0.5);
        assertArrayEquals(new double[] {0.5, 1, 1.5}, GPU.backend().read(a));
        Tensor b = tensor(DType.F32, 1_000_000);
        GPU.backend().fill(b, 0.5);
        Tensor labels = tensor(DType.I32, 4);
        GPU.backend().fill(labels, 7);
        assertArrayEquals(new double[] {7, 7, 7, 7}, GPU.backend().read(labels));
        // 0.25 + 1 + 2.25 + 10^6 · 0.25
        assertEquals(250003.5, GPU.backend().sumOfSquares(List.of(a, b)), 1e-6);
        List.of(a, b, labels).forEach(GPU.backend()::release);
    }

    @Test
    void sgdWithMomentumAndPerParameterWeightDecayMatchesHandWorkedSteps() {
        Tensor param = tensor(DType.F32, 1);
        Tensor grad = tensor(DType.F32, 1);
        Tensor buffer = tensor(DType.F32, 1);
        Tensor bias = tensor(DType.F32, 1);
        Tensor biasGrad = tensor(DType.F32, 1);
        Tensor biasBuffer = tensor(DType.F32, 1);
        GPU.backend().write(param, new float[] {1});
        GPU.backend().write(grad, new float[] {0.5f});
        GPU.backend().write(bias, new float[] {1});
        GPU.backend().write(biasGrad, new float[] {0.5f});
        UpdateRule decayed = new UpdateRule.Sgd(0.9, 0, false, 0.1);
        List<ParameterUpdate> updates = List.of(new ParameterUpdate(decayed, param, grad, List.of(buffer)),
                new ParameterUpdate(decayed.withoutWeightDecay(), bias, biasGrad, List.of(biasBuffer)));
        // step 1: g = 0.5 + 0.1·1 = 0.6, b = g, θ = 1 - 0.1·0.6 = 0.94; bias without decay: θ = 1 - 0.05 = 0.95
        GPU.backend().applyUpdates(0.1, 1, updates);
        assertEquals(0.94, GPU.backend().read(param)[0], 1e-6);
        assertEquals(0.95, GPU.backend().read(bias)[0], 1e-6);
        // step 2: g = 0.5 + 0.1·0.94 = 0.594, b = 0.9·0.6 + 0.594 = 1.134, θ = 0.94 - 0.1134 = 0.8266
        // bias: b = 0.9·0.5 + 0.5 = 0.95, θ = 0.95 - 0.095 = 0.855
        GPU.backend().applyUpdates(0.1, 2, updates);
        assertEquals(0.8266, GPU.backend().read(param)[0], 1e-6);
        assertEquals(1.134, GPU.backend().read(buffer)[0], 1e-6);
        assertEquals(0.855, GPU.backend().read(bias)[0], 1e-6);
        List.of(param, grad, buffer, bias, biasGrad, biasBuffer).forEach(GPU.backend()::release);
    }

    @Test
    void adamFirstStepMovesByTheLearningRate() {
        Tensor param = tensor(DType.F32, 2);
        Tensor grad = tensor(DType.F32, 2);
        Tensor m = tensor(DType.F32, 2);
        Tensor v = tensor(DType.F32, 2);
        GPU.backend().write(param, new float[] {1, 1});
        GPU.backend().write(grad, new float[] {0.5f, -2f});
        // t = 1: m̂ = g, v̂ = g², so θ -= lr·g/(|g| + ε) = ±lr
        GPU.backend().applyUpdate(new UpdateRule.Adam(0.9, 0.999, 1e-8, 0, false), 0.01, 1, param, grad, List.of(m, v));
        assertArrayEquals(new double[] {0.99, 1.01}, GPU.backend().read(param), 1e-6);
        assertArrayEquals(new double[] {0.05, -0.2}, GPU.backend().read(m), 1e-7);
        assertArrayEquals(new double[] {0.00025, 0.004}, GPU.backend().read(v), 1e-9);
        List.of(param, grad, m, v).forEach(GPU.backend()::release);
    }

    @Test
    void topKIsLargestFirstPerRow() {
        Tensor scores = tensor(DType.F32, 2, 3);
        GPU.backend().write(scores, new float[] {0.1f, 0.9f, 0.5f, 3, 1, 2});
        assertArrayEquals(new int[] {1, 2, 0, 2}, GPU.backend().topK(scores, 2));
        GPU.backend().release(scores);
    }

    @Test
    void everyKernelSourceCompilesWithNvrtcAndLoadsInBothStorageVariants() throws IOException, URISyntaxException {
        // From the build's classes a folder; from the staged jar on a GPU host, a folder inside the jar.
        Map<String, String> sources = KernelSources.in(CudaBackend.class.getResource("/dev/striate/cuda/kernels"));
        assertFalse(sources.isEmpty());
        Pattern kernel = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(");
        CudaContext context = GPU.backend().context();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            String name = source.getKey();
            Matcher matcher = kernel.matcher(source.getValue());
            assertTrue(matcher.find(), name + ".cu has no extern \"C\" kernel");
            do {
                for (DType storage : List.of(DType.F32, DType.BF16)) {
                    assertNotNull(context.function(name, matcher.group(1), storage),
                            name + "/" + matcher.group(1) + " " + storage);
                }
            } while (matcher.find());
        }
    }

    @Test
    void cublasRunsATwoByTwoGemmOnTheStream() {
        CudaContext context = GPU.backend().context();
        Tensor a = tensor(DType.F32, 4);
        Tensor b = tensor(DType.F32, 4);
        Tensor c = tensor(DType.F32, 4);
        // column-major A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]; A·B = [[19, 22], [43, 50]]
        GPU.backend().write(a, new float[] {1, 3, 2, 4});
        GPU.backend().write(b, new float[] {5, 7, 6, 8});
        int status = JCublas2.cublasSgemm(context.cublas(), cublasOperation.CUBLAS_OP_N, cublasOperation.CUBLAS_OP_N,
                2, 2, 2, Pointer.to(new float[] {1}), context.pointer(a), 2, context.pointer(b), 2,
                Pointer.to(new float[] {0}), context.pointer(c), 2);
        assertEquals(0, status);
        assertArrayEquals(new double[] {19, 43, 22, 50}, GPU.backend().read(c), 1e-5);
        List.of(a, b, c).forEach(GPU.backend()::release);
    }

    @Test
    void cudnnHasAHandleOnTheStreamAndVersionNine() {
        assertTrue(GPU.backend().context().cudnn().version() >= 90000, "cuDNN " + GPU.backend().context().cudnn().version());
        assertNotNull(GPU.backend().context().cudnn().handle());
        assertTrue(GPU.backend().context().workspace(1 << 20) != 0);
    }

    @Test
    void outOfMemoryIsOneLineThatSaysWhatToChange() {
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class,
                () -> tensor(DType.F32, Integer.MAX_VALUE, 64));
        assertTrue(e.getMessage().startsWith("CUDA out of memory: 512.00 GiB requested"), e.getMessage());
        assertTrue(e.getMessage().contains("use a smaller --batch"), e.getMessage());
    }

    @Test
    void repeatedAllocationsAfterWarmUpAskTheDriverForNothing() {
        int[][] sizes = {{64, 3, 32, 32}, {1000}, {7}, {512, 512}};
        MemoryStatistics afterWarmUp = null;
        for (int step = 0; step < 100; step++) {
            List<Tensor> tensors = Stream.of(sizes).map(dims -> tensor(DType.F32, dims)).toList();
            tensors.forEach(GPU.backend()::release);
            if (step == 0) {
                afterWarmUp = GPU.backend().memory();
            }
        }
        MemoryStatistics end = GPU.backend().memory();
        assertEquals(afterWarmUp.driverAllocations(), end.driverAllocations());
        assertEquals(afterWarmUp.bytesInUse(), end.bytesInUse());
    }
}
