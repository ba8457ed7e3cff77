package dev.striate.cuda.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.striate.core.backend.TensorRole;
import dev.striate.core.tensor.DType;
import dev.striate.core.tensor.Shape;
import dev.striate.core.tensor.Tensor;
import dev.striate.cuda.CudaBackend;
import dev.striate.cuda.CudaContext;
import dev.striate.cuda.LayoutBackends;
import dev.striate.cuda.gpu.GpuTest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On a real GPU: {@link DepthwiseConvolution}'s three passes against the CPU reference on layers the size of
 * mobilenet_v2's (several chunks per channel; more than 256 channels, so channels-last stage one takes its channels in
 * passes), in fp32, bf16 channels-last and bf16 NCHW work. dx, dw and y start NaN and must come out clean; the weight
 * gradient computed twice must be identical (no atomics: tolerance 0). Tolerances as {@link DepthwiseEmulationTest}'s
 * (the GPU's fused multiply-add rounds less than the emulation, not more).
 */
@GpuTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DepthwiseGpuTest {
    private static final List<DepthwiseCase> LAYERS = List.of(
            new DepthwiseCase("3x3-s1-32ch", 8, 32, 28, 28, 1, 3, 3, 1, 1, 1, 1),
            new DepthwiseCase("3x3-s2-96ch", 8, 96, 28, 28, 1, 3, 3, 2, 1, 1, 1),
            new DepthwiseCase("3x3-s1-320ch", 4, 320, 7, 7, 1, 3, 3, 1, 1, 1, 1),
            new DepthwiseCase("5x5-d2-m2", 2, 8, 17, 15, 2, 5, 5, 1, 4, 4, 2));

    private final Map<Work, CudaBackend> backends = new EnumMap<>(Work.class);

    @BeforeAll
    void open() {
        for (Work work : Work.values()) {
            backends.put(work, LayoutBackends.open(work.precision(), work.layout()));
        }
    }

    @AfterAll
    void close() {
        backends.values().forEach(CudaBackend::close);
    }

    static Stream<Arguments> runs() {
        List<Arguments> runs = new ArrayList<>();
        for (Work work : Work.values()) {
            for (DepthwiseCase layer : LAYERS) {
                runs.add(Arguments.of(work, layer));
            }
        }
        return runs.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("runs")
    void threePassesMatchTheReferenceAndTheWeightGradientRepeatsExactly(Work work, DepthwiseCase layer) {
        CudaBackend backend = backends.get(work);
        CudaContext context = backend.context();
        Launcher launcher = new Launcher(context);
        DType stored = work.activations();
        double[] x = DepthwiseCase.values(stored, layer.input().size(), 0.61, 0.3, 1);
        double[] w = DepthwiseCase.values(stored, layer.weight().size(), 0.37, 0.9, 0.5);
        double[] dy = DepthwiseCase.values(stored, layer.output().size(), 0.43, 1.1, 2);
        Tensor xTensor = filled(backend, layer.input(), stored, TensorRole.ACTIVATION, x);
        Tensor wTensor = filled(backend, layer.weight(), DType.F32, TensorRole.PARAMETER, w);
        Tensor dyTensor = filled(backend, layer.output(), stored, TensorRole.ACTIVATION_GRADIENT, dy);
        Tensor y = filled(backend, layer.output(), stored, TensorRole.ACTIVATION, null);
        Tensor dx = filled(backend, layer.input(), stored, TensorRole.ACTIVATION_GRADIENT, null);
        Tensor dw = filled(backend, layer.weight(), DType.F32, TensorRole.PARAMETER_GRADIENT, null);
        Tensor dwAgain = filled(backend, layer.weight(), DType.F32, TensorRole.PARAMETER_GRADIENT, null);

        DepthwiseConvolution convolution = new DepthwiseConvolution(launcher, context, layer.geometry());
        try (Bf16WeightCopy copy = stored == DType.BF16 ? new Bf16WeightCopy(context, launcher, layer.weight())
                : null) {
            Tensor operand = copy == null ? wTensor : copy.castFrom(wTensor);
            convolution.forward(xTensor, operand, y);
            convolution.backwardData(operand, dyTensor, dx, false);
            convolution.backwardFilter(xTensor, dyTensor, dw, false);
            convolution.backwardFilter(xTensor, dyTensor, dwAgain, false);
            backend.synchronize();
        }

        DepthwiseReference reference = DepthwiseReference.of(layer, x, w, dy);
        String name = work + " " + layer.name();
        EmulationValues.assertClose(name + " y", stored, reference.y(), new double[reference.y().length],
                backend.read(y));
        EmulationValues.assertClose(name + " dx", stored, reference.dx(), new double[reference.dx().length],
                backend.read(dx));
        double[] weightGradient = backend.read(dw);
        DepthwiseReference.assertWeightGradient(name + " dw", reference.dw(),
                DepthwiseReference.weightGradientMagnitudes(layer, x, w, dy), weightGradient);
        assertArrayEquals(weightGradient, backend.read(dwAgain), 0.0, "the same dw on every run");
        List.of(xTensor, wTensor, dyTensor, y, dx, dw, dwAgain).forEach(backend::release);
    }

    /** A tensor holding {@code values}, or NaN everywhere when they are null (for what the passes must overwrite). */
    private static Tensor filled(CudaBackend backend, Shape shape, DType dtype, TensorRole role, double[] values) {
        Tensor tensor = backend.allocate(shape, dtype, role);
        if (values == null) {
            backend.fill(tensor, Double.NaN);
        } else {
            backend.write(tensor, values);
        }
        return tensor;
    }
}
